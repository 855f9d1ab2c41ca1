// The frame of every screen: brand, navigation, language, the admin link for staff, sign out.
import { NavLink, Outlet } from "react-router";

import { ErrorState } from "@/components/error-state";
import { LanguageSwitch } from "@/components/language-switch";
import { Spinner } from "@/components/spinner";
import { useLogout, useMe } from "@/features/auth/api/session";
import { LoginForm } from "@/features/auth/components/login-form";
import { useI18n } from "@/lib/i18n";

export function AppLayout() {
  const { t } = useI18n();
  const me = useMe();
  const logout = useLogout();
  const user = me.data?.user;

  let body;
  if (me.isPending) body = <Spinner />;
  else if (me.isError) body = <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  else if (!user) body = <LoginForm />;
  else body = <Outlet />;

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">{t("app.name")}</span>
        {user && (
          <nav>
            <NavLink to="/documents" end>
              {t("nav.documents")}
            </NavLink>
            <NavLink to="/upload">{t("nav.upload")}</NavLink>
            {user.is_staff && <a href="/admin/">{t("nav.admin")}</a>}
          </nav>
        )}
        <div className="topbar-end">
          <LanguageSwitch />
          {user && (
            <>
              <span className="user" title={t("nav.signedInAs", { name: user.username })}>
                {user.full_name || user.username}
              </span>
              <button type="button" onClick={() => logout.mutate()} disabled={logout.isPending}>
                {t("nav.signOut")}
              </button>
            </>
          )}
        </div>
      </header>
      <main className={user ? "content" : "content content-narrow"}>{body}</main>
    </div>
  );
}
