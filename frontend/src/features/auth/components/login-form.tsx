import { type FormEvent, useState } from "react";

import { ApiError } from "@/lib/api-error";
import { errorText } from "@/lib/error-text";
import { useI18n } from "@/lib/i18n";

import { useLogin } from "../api/session";

export function LoginForm() {
  const { t } = useI18n();
  const login = useLogin();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [missing, setMissing] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMissing(!username || !password);
    if (username && password) login.mutate({ username, password });
  };

  let error: string | null = missing ? t("login.required") : null;
  if (!error && login.error) {
    // 400 is the server's "wrong username or password"; anything else is said as it came.
    error =
      login.error instanceof ApiError && login.error.status === 400
        ? t("login.wrongPassword")
        : errorText(t, login.error);
  }

  return (
    <form className="login-form card" onSubmit={submit} noValidate>
      <h1>{t("login.title")}</h1>
      <label>
        {t("login.username")}
        <input
          name="username"
          autoComplete="username"
          autoFocus
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
      </label>
      <label>
        {t("login.password")}
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={login.isPending}>
        {login.isPending ? t("login.submitting") : t("login.submit")}
      </button>
    </form>
  );
}
