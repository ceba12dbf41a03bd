"""Offline AI: canned product answers and a deterministic avatar PNG drawn with Pillow."""

import hashlib
import io
import re

from PIL import Image, ImageDraw

from . import ProductGuess

SPECIES_COLOURS = {
    "human": (244, 200, 160),
    "robot": (160, 170, 185),
    "bear": (140, 95, 60),
    "unicorn": (245, 220, 245),
    "dung_beetle": (60, 50, 40),
    "alien": (120, 220, 120),
    "penguin": (40, 45, 60),
    "dragon": (200, 60, 50),
    "panda": (245, 245, 245),
}
SIZE = 256


class DummyAIBackend:
    def extract_product(self, *, url: str, page_text: str) -> ProductGuess:
        digest = hashlib.sha256(url.encode()).digest()
        return ProductGuess(name=f"Sample product {digest.hex()[:6]}", price_krw=1000 * (10 + digest[0] % 90))

    def generate_image(self, *, prompt: str) -> bytes:
        """A chibi-ish face: the species picks the colour, the rest of the prompt the accents."""
        match = re.search(r"species:\s*([a-z_]+)", prompt)
        species = match.group(1) if match else ""
        digest = hashlib.sha256(prompt.encode()).digest()
        face = SPECIES_COLOURS.get(species, (digest[0], digest[1], digest[2]))
        accent = (digest[3], digest[4], digest[5])
        image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
        draw = ImageDraw.Draw(image)
        draw.ellipse((28, 40, 228, 240), fill=(*face, 255), outline=(30, 30, 30, 255), width=4)
        if species in ("bear", "panda"):
            for x in (40, 176):
                draw.ellipse((x, 20, x + 50, 70), fill=(*face, 255), outline=(30, 30, 30, 255), width=4)
        if species == "unicorn":
            draw.polygon([(118, 50), (138, 50), (128, 0)], fill=(*accent, 255))
        eye_y = 110 + digest[6] % 20
        for x in (88, 152):
            draw.ellipse((x - 14, eye_y - 14, x + 14, eye_y + 14), fill=(20, 20, 20, 255))
            draw.ellipse((x - 5, eye_y - 10, x + 3, eye_y - 2), fill=(255, 255, 255, 255))
        draw.arc((98, 150, 158, 200), start=20, end=160, fill=(*accent, 255), width=6)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()
