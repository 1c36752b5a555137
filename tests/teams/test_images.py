"""ImagePublisher: PNGs too big for a Teams message, stored under unguessable tokens for the bot's web server."""
from __future__ import annotations

import logging
import os
import re

from sqlalchemy import func, select

from adapters.teams.images import ImagePublisher
from bot.services.published_images import find_image
from bot.messages import Image
from storage.db import Database
from storage.models import PublishedImage
from tests.conftest import START


def png(size: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + os.urandom(size - 8)


def test_a_png_is_stored_once_under_a_random_token_and_found_again(sqlite_url):
    db = Database(sqlite_url)
    try:
        publish = ImagePublisher(db, "https://xgov.example.test/", clock=lambda: START)
        chart, other = png(60_000), png(30_000)
        first, again, second = publish(Image("a.png", "A", chart)), publish(Image("b.png", "B", chart)), \
            publish(Image("c.png", "C", other))
        assert first == again != second  # the same chart to several channels: one row
        pattern = re.compile(r"https://xgov\.example\.test/images/([A-Za-z0-9_-]{32})\.png")
        tokens = [pattern.fullmatch(url).group(1) for url in (first, second)]
        assert find_image(db, tokens[0]) == ("image/png", chart) and find_image(db, tokens[1])[1] == other
        assert find_image(db, "x" * 32) is None and find_image(db, "") is None and find_image(db, "x" * 500) is None
        with db.unit_of_work() as session:
            assert session.scalar(select(func.count()).select_from(PublishedImage)) == 2
            assert {row.created_at for row in session.scalars(select(PublishedImage))} == {START}
    finally:
        db.dispose()


def test_nothing_is_published_without_https_or_for_what_is_not_a_png(sqlite_url, caplog):
    db = Database(sqlite_url)
    try:
        plain_http = ImagePublisher(db, "http://127.0.0.1:8080")
        with caplog.at_level(logging.WARNING, logger="adapters.teams.images"):
            assert plain_http(Image("a.png", "A", png(60_000))) is None
            assert plain_http(Image("b.png", "B", png(60_000))) is None
        assert len(caplog.records) == 1 and "XGOV_PUBLIC_URL" in caplog.text  # why, once
        jpeg = Image("photo.jpg", "Photo", b"\xff\xd8\xff" + os.urandom(40_000))
        assert ImagePublisher(db, "https://xgov.example.test")(jpeg) is None  # the route serves PNGs only
        with db.unit_of_work() as session:
            assert session.scalar(select(func.count()).select_from(PublishedImage)) == 0
    finally:
        db.dispose()
