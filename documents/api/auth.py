"""Session sign-in for the browser app: log in, log out, and who am I.

The React app lives on the same host as the API, so it uses Django's session cookie and CSRF
token; scripts use `Authorization: Token ...` instead and never need these endpoints.
"""

from django.contrib.auth import authenticate, login, logout
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from documents.errors import ApplicationError


class UserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")
    is_staff = serializers.BooleanField(help_text="May open the Django admin.")


class MeSerializer(serializers.Serializer):
    user = UserSerializer(allow_null=True, help_text="Null when nobody is signed in.")


class LoginInputSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


# Signing in is CSRF-protected like Django's own login form (DRF would exempt an anonymous POST).
@method_decorator(csrf_protect, name="dispatch")
class LoginApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=LoginInputSerializer,
        responses={
            200: UserSerializer,
            400: OpenApiResponse(description="Wrong username or password (wrong_credentials)."),
        },
        operation_id="auth_login",
    )
    def post(self, request: Request) -> Response:
        data = LoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None:
            raise ApplicationError(_("Wrong username or password."), code="wrong_credentials")
        login(request, user)
        return Response(UserSerializer(user).data)


class LogoutApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={204: None}, operation_id="auth_logout")
    def post(self, request: Request) -> Response:
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


# The app calls this first; it also hands out the CSRF cookie the app's POSTs need.
@method_decorator(ensure_csrf_cookie, name="dispatch")
class MeApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: MeSerializer}, operation_id="auth_me")
    def get(self, request: Request) -> Response:
        user = request.user if request.user.is_authenticated else None
        return Response(MeSerializer({"user": user}).data)
