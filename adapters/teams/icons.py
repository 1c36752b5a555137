"""The Teams app's two icons, drawn here so that every build gives the same bytes.

The mark is a funnel: reports come in at the top, one traced item drops out below (governance
turns many frictions into one owner's work). ``color.png`` is 192×192, full colour on the accent
background, drawn at 4× and scaled down for smooth edges; ``outline.png`` is 32×32, white on a
transparent background, drawn on the pixel grid without anti-aliasing, so every pixel is either
opaque white or fully transparent (what Teams asks of an outline icon). No metadata is written
into either PNG: same Pillow and zlib, same bytes.
"""
from __future__ import annotations

import io

from PIL import Image, ImageDraw

COLOR_SIZE = 192
OUTLINE_SIZE = 32
ACCENT = (0x1D, 0x35, 0x57)  # the app's accentColor, also the Slack app's background colour
WHITE = (0xF1, 0xFA, 0xEE)
INCOMING = (0xA8, 0xDA, 0xDC)
TRACED = (0xE6, 0x39, 0x46)
SCALE = 4


def color_icon() -> bytes:
    size = COLOR_SIZE * SCALE
    image = Image.new("RGB", (size, size), ACCENT)
    draw = ImageDraw.Draw(image)

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        return (round(x0 * SCALE), round(y0 * SCALE), round(x1 * SCALE), round(y1 * SCALE))

    for cx, cy in ((62, 26), (96, 20), (130, 26)):  # reports coming in
        draw.ellipse(box(cx - 8, cy - 8, cx + 8, cy + 8), fill=INCOMING)
    draw.rounded_rectangle(box(34, 44, 158, 58), radius=7 * SCALE, fill=WHITE)  # the rim
    draw.polygon([(x * SCALE, y * SCALE) for x, y in ((42, 56), (150, 56), (108, 108), (84, 108))], fill=WHITE)
    draw.rectangle(box(84, 104, 108, 140), fill=WHITE)  # the spout
    draw.ellipse(box(84, 150, 108, 174), fill=TRACED)  # the traced item
    return _png(image.resize((COLOR_SIZE, COLOR_SIZE), Image.Resampling.LANCZOS))


def outline_icon() -> bytes:
    image = Image.new("RGBA", (OUTLINE_SIZE, OUTLINE_SIZE), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    white = (255, 255, 255, 255)
    draw.rectangle((4, 5, 27, 7), fill=white)  # the rim
    draw.polygon([(6, 8), (25, 8), (18, 16), (13, 16)], fill=white)
    draw.rectangle((13, 16, 18, 22), fill=white)  # the spout
    draw.rectangle((14, 25, 17, 28), fill=white)  # the traced item, its corners cut below
    for corner in ((14, 25), (17, 25), (14, 28), (17, 28)):
        image.putpixel(corner, (255, 255, 255, 0))
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
