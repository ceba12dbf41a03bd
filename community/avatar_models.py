"""Avatar generation requests, defined beside community.models and imported there."""
