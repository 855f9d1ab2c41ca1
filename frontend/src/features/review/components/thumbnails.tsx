import { StatusBadge } from "@/components/status-badge";
import { useI18n } from "@/lib/i18n";

import type { DocumentDetail } from "../api/review";

export function Thumbnails({
  pages,
  current,
  onPick,
}: {
  pages: DocumentDetail["pages"];
  current: number;
  onPick: (page: number) => void;
}) {
  const { t } = useI18n();
  return (
    <nav className="thumbs" aria-label={t("review.pages")}>
      {pages.map((page) => (
        <button
          key={page.number}
          type="button"
          className={`thumb${page.number === current ? " is-current" : ""}`}
          aria-current={page.number === current ? "page" : undefined}
          onClick={() => onPick(page.number)}
        >
          {page.image_url ? (
            <img src={page.image_url} alt="" loading="lazy" />
          ) : (
            <div className="thumb-placeholder">
              <StatusBadge status={page.status ?? "queued"} />
            </div>
          )}
          <span>
            {t("review.page", { number: page.number })}
            {page.reviewed ? " ✓" : ""}
          </span>
        </button>
      ))}
    </nav>
  );
}
