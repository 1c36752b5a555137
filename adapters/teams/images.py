"""Images too big for a Teams message, published on the bot's own web server for cards to link to.

Teams shows an Adaptive Card's Image only from an ``https://`` URL (or a small data: URI), and a
message is at most ~28 KB, so the digest's charts (PNGs of 20–110 KB) are stored in the database
(table ``published_images``) and served at ``XGOV_PUBLIC_URL/images/{token}.png`` (app/web.py). The
token is ``secrets.token_urlsafe(24)`` (192 random bits): the URL is the only key, unguessable,
and never derived from the content. Anyone holding the URL sees the image, as with any image
Teams shows: the digest's charts carry only aggregates (groups under k hidden).

This module imports no botbuilder: app/web.py serves the images through
bot/services/published_images.find_image.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict

from bot.clock import Clock, system_clock
from bot.messages import Image
from storage.db import Database
from bot.services.published_images import store_image

log = logging.getLogger(__name__)
ROUTE = "/images/{token}.png"
PNG, PNG_MAGIC = "image/png", b"\x89PNG\r\n\x1a\n"
REMEMBERED = 64  # the same chart sent to several channels or people is stored once per process
CACHE_HEADERS = {
    "Cache-Control": "public, max-age=31536000, immutable",  # a token never changes its bytes
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'",
}


def image_path(token: str) -> str:
    return ROUTE.format(token=token)


# --- the publisher TeamsPort calls ------------------------------------------------------------

class ImagePublisher:
    """``TeamsPort(image_url=...)``: stores a PNG and answers its https URL; None (the card then says
    the image was left out) when XGOV_PUBLIC_URL is not https, which is logged once."""

    def __init__(self, db: Database, public_url: str, clock: Clock = system_clock) -> None:
        self.db, self.base, self.clock = db, public_url.strip().rstrip("/"), clock
        self._published: OrderedDict[str, str] = OrderedDict()  # sha-256 of the bytes -> URL
        self._lock = threading.Lock()
        self._told = False

    @property
    def usable(self) -> bool:
        return self.base.startswith("https://")

    def __call__(self, image: Image) -> str | None:
        if not self.usable:
            self._say_why_not()
            return None
        if not image.data.startswith(PNG_MAGIC):
            log.warning("image %s is not a PNG: not published", image.filename)
            return None
        key = hashlib.sha256(image.data).hexdigest()
        with self._lock:
            if key in self._published:
                self._published.move_to_end(key)
                return self._published[key]
        with self.db.unit_of_work() as session:
            token = store_image(session=session, data=image.data, content_type=PNG, now=self.clock())
        url = self.base + image_path(token)
        with self._lock:
            self._published[key] = url
            while len(self._published) > REMEMBERED:
                self._published.popitem(last=False)
        return url

    def _say_why_not(self) -> None:
        with self._lock:
            if self._told:
                return
            self._told = True
        log.warning("Teams: charts are left out of cards (a note says so): Teams shows images only from an "
                    "https address and XGOV_PUBLIC_URL is %r; set it to the bot's public https:// address",
                    self.base)
