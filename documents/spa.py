"""The React app's single page: every client-side route (/, /documents/12, ...) gets index.html.

Vite builds it into frontend/dist with asset URLs under /static/app/, which WhiteNoise serves.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ocrsite: frontend not built</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>Frontend not built: run make setup</h1>
<p>The web app's files are missing from <code>{dist}</code>.
Run <code>make setup</code> (or <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>)
and reload this page. The API (<a href="/api/">/api/</a>) and the admin
(<a href="/admin/">/admin/</a>) work without it.</p>
<p lang="zh-Hans">前端尚未构建：请运行 <code>make setup</code>。</p>
</body></html>
"""


@require_safe
@ensure_csrf_cookie  # the app's first POST (sign in) needs the CSRF cookie
def index(request: HttpRequest) -> HttpResponse:
    page = settings.FRONTEND_DIST / "index.html"
    try:
        html = page.read_text(encoding="utf-8")
    except FileNotFoundError:
        return HttpResponse(
            NOT_BUILT.format(dist=settings.FRONTEND_DIST), status=503, content_type="text/html"
        )
    # index.html names the hashed asset files of the current build, so it is never cached.
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
