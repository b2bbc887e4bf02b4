"""The reviewers' web page (``mirrorhunt serve``)."""

from mirrorhunt.web.app import create_app

__all__ = ["create_app"]
