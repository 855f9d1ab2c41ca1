// A progress bar with its figure in words for screen readers.
export function ProgressBar({
  value,
  max,
  label,
  tone = "normal",
}: {
  value: number;
  max: number;
  label: string;
  tone?: "normal" | "done" | "failed";
}) {
  const percent = max > 0 ? Math.min(100, Math.round((value / max) * 100)) : 0;
  return (
    <div
      className={`progress progress-${tone}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      aria-valuetext={label}
      title={label}
    >
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}
