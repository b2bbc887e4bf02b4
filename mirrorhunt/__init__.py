"""mirrorhunt: find the mirrors of blocked piracy services, with evidence."""

__version__ = "0.1.0"
