def test_walk(make_claim):
    c = make_claim("published")
    assert c.status == "published" and c.published_review.approved_by.username == "erin-editor"
