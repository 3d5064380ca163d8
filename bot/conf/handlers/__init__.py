"""The `/conf` handlers, by theme; importing this package registers them all."""

from bot.conf.handlers import admin, browse, follows, subscriptions
from bot.conf.registry import REGISTRY

__all__ = ["REGISTRY", "admin", "browse", "follows", "subscriptions"]
