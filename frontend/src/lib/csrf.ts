// Django's CSRF token lives in the `csrftoken` cookie (set by the SPA page and /api/auth/me/);
// unsafe requests send it back in the X-CSRFToken header. It is read on every request because
// Django rotates it at sign-in.
export function csrfToken(cookie: string = document.cookie): string {
  for (const part of cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === "csrftoken") return decodeURIComponent(rest.join("="));
  }
  return "";
}
