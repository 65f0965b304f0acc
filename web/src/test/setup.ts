import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import { setSession } from "../lib/session";

afterEach(() => {
  cleanup();
  setSession(null);
  localStorage.clear();
});
