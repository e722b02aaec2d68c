"""Who the token signs in as, and the token itself: a first call to try."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import serializers as out


class MeView(APIView):
    @extend_schema(responses=out.MeSerializer, operation_id="me")
    def get(self, request):
        """You, as the token signs you in, and the token's scope and expiry."""
        user = request.user
        user.api_token = request.auth
        return Response(out.MeSerializer(user).data)
