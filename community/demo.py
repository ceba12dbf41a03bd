"""Demo community: the three boards under the home page, a few posts by the demo customers, comments, likes."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw
from wagtail.models import Site

from accounts.models import User
from community import services

from .models import Category, CommunityIndexPage, PostPage

BOARDS = {
    Category.REVIEW: ("Reviews", "Customers' reviews of their Bidangil orders."),
    Category.SHARE: ("Share", "Give away or swap Korean goods with members near you."),
    Category.FUN: ("Fun", "Restaurants, meetups and chat."),
}


def _picture(name: str, color: tuple[int, int, int]) -> SimpleUploadedFile:
    image = Image.new("RGB", (640, 480), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 80, 560, 400), outline=(255, 255, 255), width=12)
    draw.ellipse((240, 160, 400, 320), fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def ensure_boards(stdout) -> None:
    """The three community boards under the site root (created once)."""
    root = Site.objects.get(is_default_site=True).root_page.specific
    for category, (title, intro) in BOARDS.items():
        if CommunityIndexPage.objects.filter(category=category).exists():
            continue
        board = CommunityIndexPage(title=title, slug=category.value, category=category, intro=intro)
        root.add_child(instance=board)
        board.save_revision().publish()
        stdout.write(f"  community board /{category.value}/")


def _posts(jiwoo, minho):
    soon = (timezone.now() + timedelta(days=10)).replace(hour=18, minute=0, second=0, microsecond=0)
    return [
        (jiwoo, "review", "Snacks arrived in 9 days", {"rating": 5, "images": [_picture("snacks.jpg", (214, 90, 60))]}),
        (minho, "review", "비단길 덕분에 한국 화장품 받았어요", {"rating": 4, "body": "<p>포장이 꼼꼼했어요.</p>"}),
        (
            jiwoo,
            "share",
            "Extra rice cooker to give away",
            {"state": "CA", "county": "Los Angeles", "images": [_picture("cooker.jpg", (60, 120, 200))]},
        ),
        (minho, "share", "김치냉장고 나눔합니다", {"state": "NY", "county": "Queens"}),
        (
            jiwoo,
            "fun",
            "Best tofu soup in Koreatown",
            {"subcategory": "food", "restaurant_address": "3575 Wilshire Blvd, Los Angeles, CA"},
        ),
        (
            minho,
            "fun",
            "주말 등산 모임",
            {
                "subcategory": "meetup",
                "state": "NJ",
                "county": "Bergen",
                "meetup_type": "sports",
                "meetup_at": soon,
                "images": [_picture("hike.jpg", (70, 160, 90))],
            },
        ),
        (jiwoo, "fun", "What are you ordering this month?", {"subcategory": "chat", "body": "Share your hauls!"}),
    ]


def load(stdout) -> None:
    ensure_boards(stdout)
    jiwoo = User.objects.filter(email="jiwoo@example.com").first()
    minho = User.objects.filter(email="minho@example.com").first()
    if jiwoo is None or minho is None:
        stdout.write("  community posts skipped: demo customers missing (accounts.demo loads them)")
        return
    if PostPage.objects.filter(author__in=[jiwoo, minho]).exists():
        stdout.write("  community posts already loaded")
        return
    posts = []
    for author, category, title, fields in _posts(jiwoo, minho):
        body = fields.pop("body", f"<p>{title}</p>")
        posts.append(services.create_post(author=author, category=category, title=title, body=body, **fields))
    for index, post in enumerate(posts):
        reader = minho if post.author_id == jiwoo.pk else jiwoo
        services.set_post_like(user=reader, post=post, liked=True)
        if index % 2 == 0:
            first = services.add_comment(author=reader, post=post, body="Thanks for sharing! 좋아요 👍")
            services.add_comment(author=post.author, post=post, body="You're welcome!", parent_id=first.pk)
    services.set_profile_like(user=jiwoo, profile=minho.profile, liked=True)
    stdout.write(f"  community: {len(posts)} posts by jiwoo and 민호 with comments and likes")
