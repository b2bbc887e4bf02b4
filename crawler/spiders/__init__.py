"""mirrorhunt's spiders."""
