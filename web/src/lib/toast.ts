/** A tiny toast bus: anything (a link, a subscription handler) can raise one; the Toaster shows them. */
import { useSyncExternalStore } from "react";

export type ToastKind = "success" | "error" | "info";
export interface Toast {
  id: number;
  kind: ToastKind;
  title: string;
  detail?: string;
}

const LIFETIME_MS = 6_000;
const MAX_VISIBLE = 5;
let toasts: readonly Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((listener) => listener());

export function toast(kind: ToastKind, title: string, detail?: string): number {
  const id = nextId++;
  toasts = [...toasts, { id, kind, title, detail }].slice(-MAX_VISIBLE);
  emit();
  setTimeout(() => dismissToast(id), LIFETIME_MS);
  return id;
}

export function dismissToast(id: number): void {
  if (!toasts.some((t) => t.id === id)) return;
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export function useToasts(): readonly Toast[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => toasts,
    () => toasts,
  );
}

/**
 * Screens that must not be covered (the trade screen's blotter) mount a dock: while one is
 * mounted, toasts show there, in the page's flow, and the floating stack stays empty.
 */
let docks = 0;
const dockListeners = new Set<() => void>();

export function mountToastDock(): () => void {
  docks++;
  dockListeners.forEach((listener) => listener());
  return () => {
    docks--;
    dockListeners.forEach((listener) => listener());
  };
}

export function useToastDocked(): boolean {
  return useSyncExternalStore(
    (listener) => {
      dockListeners.add(listener);
      return () => dockListeners.delete(listener);
    },
    () => docks > 0,
    () => false,
  );
}
