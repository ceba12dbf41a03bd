from tests.schema_helpers import assert_response, request_body, schema_operation


def test_avatar_responses_match_the_schema(schema, user_client, api_client, django_capture_on_commit_callbacks):
    choices = api_client.get("/api/v1/avatar/choices/")
    assert choices.status_code == 200
    assert_response(schema, "/api/v1/avatar/choices/", "get", choices)
    assert schema_operation(schema, "/api/v1/avatar/choices/", "get")["security"] == [{}]  # public

    mine = "/api/v1/me/avatar/"
    before = user_client.get(mine)
    assert before.json()["status"] == "none"
    assert_response(schema, mine, "get", before)
    body = {"species": "panda", "answers": [0, 1, 2, 3]}
    request_schema = request_body(schema, schema_operation(schema, mine, "post"))
    assert set(request_schema["properties"]) == set(body)
    queued = user_client.post(mine, body, format="json")
    assert queued.status_code == 202
    assert_response(schema, mine, "post", queued)
    assert_response(schema, mine, "get", user_client.get(mine))  # pending
    in_progress = user_client.post(mine, body, format="json")
    assert in_progress.status_code == 409
    assert_response(schema, mine, "post", in_progress)
    assert_response(schema, mine, "post", user_client.post(mine, {"species": "cat"}, format="json"))
    assert_response(schema, mine, "get", api_client.get(mine))

    from community.avatars import services as avatars

    with django_capture_on_commit_callbacks(execute=True):
        avatars.generate(queued.json()["job"])
    ready = user_client.get(mine)
    assert ready.json()["status"] == "ready" and ready.json()["url"]
    assert_response(schema, mine, "get", ready)
