import { useEffect } from "react";
import { dismissToast, mountToastDock, type Toast, useToastDocked, useToasts } from "../../lib/toast";

function ToastList({ toasts, className }: { toasts: readonly Toast[]; className: string }) {
  return (
    <div className={className} aria-live="polite" data-testid="toaster">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === "error" ? "alert" : "status"} data-testid={`toast-${t.kind}`}>
          <div>
            <strong>{t.title}</strong>
            {t.detail && <p>{t.detail}</p>}
          </div>
          <button type="button" className="link" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

/** Fills, rejections and outages, stacked bottom-right; each goes after a few seconds or on click. */
export function Toaster() {
  const toasts = useToasts();
  const docked = useToastDocked();
  return <ToastList toasts={docked ? [] : toasts} className="toaster" />;
}

/** Where a screen wants its toasts instead: in its own flow, covering nothing. */
export function ToastDock() {
  const toasts = useToasts();
  useEffect(() => mountToastDock(), []);
  return <ToastList toasts={toasts} className="toast-dock" />;
}
