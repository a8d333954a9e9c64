import { useState } from "react";

/** Copies `text` to the clipboard and says so for a moment. */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [done, setDone] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    setDone((await writeClipboard(text)) ? "copied" : "failed");
    setTimeout(() => setDone("idle"), 1500);
  };
  return (
    <button type="button" className="button button--small button--ghost" onClick={() => void copy()} aria-label={`${label}: ${text.slice(0, 40)}`}>
      {done === "copied" ? "Copied" : done === "failed" ? "Copy failed" : label}
    </button>
  );
}

/** The Clipboard API where the page may use it (HTTPS, localhost), else the old selection trick. */
export async function writeClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    // Deprecated, but the only way to copy outside secure contexts.
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}
