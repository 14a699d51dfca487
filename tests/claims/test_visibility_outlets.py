"""claims.visibility.public_outlets() holds the outlets of public sources (public_sources()),
though it asks from the outlet, the faster road (an outlet's renaming asks it: is the outlet on
the published record, so four eyes apply?)."""

import pytest

from claims import visibility
from claims.models import Evidence
from sources.models import Outlet
from tests.factories import OutletFactory, SourceFactory
from tests.site_data import add_appearance


@pytest.mark.both_databases
def test_an_outlet_is_public_exactly_when_one_of_its_sources_is(make_claim):
    published = make_claim("published")
    add_appearance(published, source=SourceFactory(outlet=OutletFactory(name="Said in public")))
    draft = make_claim("researching")
    add_appearance(draft, source=SourceFactory(outlet=OutletFactory(name="Said in a draft")))
    OutletFactory(name="Never used")
    cited = Evidence.objects.filter(review=published.published_review).first()
    assert cited is not None  # the published verdict cites a source: its outlet is public too
    answers = {
        outlet.name: visibility.public_outlets().filter(pk=outlet.pk).exists()
        for outlet in Outlet.objects.all()
    }
    expected = {
        outlet.name: visibility.public_sources().filter(outlet=outlet).exists()
        for outlet in Outlet.objects.all()
    }
    assert answers == expected
    assert answers["Said in public"] and answers[cited.source.outlet.name]
    assert not answers["Said in a draft"] and not answers["Never used"]
