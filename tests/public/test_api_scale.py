"""The API's claim list at archive scale: the page's ids and dates (which its ETag hashes) are
read as plain values, so a partial index on the published claims' (updated_at, id) can answer
them, with the digests of their stored payloads joined from the read model by primary key;
then the page's stored payloads, once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_the_list_reads_the_pages_ids_dates_and_digests_then_their_payloads(client, make_claim):
    claims = [make_claim("published") for _ in range(3)]
    make_claim("in_review")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/claims/")
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [c.pk for c in reversed(claims)]
    page_query = next(q["sql"] for q in queries if 'FROM "claims_claim"' in q["sql"])
    selected = page_query.split(" FROM ")[0]
    assert selected == (
        'SELECT "claims_claim"."id" AS "id", "claims_claim"."updated_at" AS "updated_at", '
        '"claims_publishedclaim"."payload_digest" AS "published_entry__payload_digest"'
    )
    assert not any('"claims_claim"."text"' in q["sql"] for q in queries)
    etag = response["ETag"]
    assert client.get("/api/v1/claims/", HTTP_IF_NONE_MATCH=etag).status_code == 304
