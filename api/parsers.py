"""JSON bodies, bounded: the API takes small JSON objects, never a file."""

from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.parsers import JSONParser

MAX_BODY_BYTES = 256 * 1024


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = f"The request body is too large: send at most {MAX_BODY_BYTES // 1024} KB."
    default_code = "too_large"


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        meta = request.META if request is not None else {}
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            raise BodyTooLarge()
        return super().parse(stream, media_type, parser_context)
