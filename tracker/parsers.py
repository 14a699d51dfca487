"""The API's JSON parser: a request body nested deeper than any endpoint needs is a 400.

No endpoint takes more than a few levels of nesting; a body of ten thousand brackets exists only
to exhaust the interpreter's recursion limit, which would otherwise surface as a 500.
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from tracker.bounded_json import depth

MAX_JSON_DEPTH = 20


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.") from None
        if depth(data) > MAX_JSON_DEPTH:
            raise ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.")
        return data
