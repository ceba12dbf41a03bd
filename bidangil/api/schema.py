def only_public_api(endpoints):
    """drf-spectacular preprocessing hook: document our v1 API, not Wagtail's own admin/page APIs."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
