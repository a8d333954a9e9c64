import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Route, Routes } from "react-router";
import { LandingPage, NotFoundPage } from "./pages/LandingPage.tsx";
import "./styles/base.css";
import "./styles/desktop.css";
import "./styles/phone.css";

// Each side loads only its own code: the desktop never fetches the decoder, the phone never the QR writer.
const DesktopPage = lazy(() => import("./pages/DesktopPage.tsx").then((m) => ({ default: m.DesktopPage })));
const ScanPage = lazy(() => import("./pages/ScanPage.tsx").then((m) => ({ default: m.ScanPage })));
const PairPage = lazy(() => import("./pages/PairPage.tsx").then((m) => ({ default: m.PairPage })));

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing from index.html");

createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <Suspense fallback={<p className="loading">Loading…</p>}>
        <Routes>
          <Route path="/" element={<LandingPage />} />
          <Route path="/desktop" element={<DesktopPage />} />
          <Route path="/scan" element={<ScanPage />} />
          <Route path="/pair" element={<PairPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
    </BrowserRouter>
  </StrictMode>,
);
