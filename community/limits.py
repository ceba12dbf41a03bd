"""Community limits, declared once: models, serializers, forms, services and docs/community.md use these."""

NICKNAME_MIN_LENGTH = 2
NICKNAME_MAX_LENGTH = 16
# A nickname as typed may be longer than stored until NFKC folds it (ｓｔｙｌｅｄ letters), so input allows more.
NICKNAME_INPUT_MAX_LENGTH = 40
BIO_MAX_LENGTH = 300
COUNTY_MAX_LENGTH = 60

POST_TITLE_MAX_LENGTH = 255  # Wagtail's Page.title
POST_BODY_MAX_LENGTH = 20_000
POST_MAX_IMAGES = 9
RESTAURANT_ADDRESS_MAX_LENGTH = 300
SEARCH_MAX_LENGTH = 100

COMMENT_MAX_LENGTH = 2000
COMMENT_MAX_DEPTH = 3  # a root comment is depth 1
REPORT_REASON_MAX_LENGTH = 500
