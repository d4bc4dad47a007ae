// A tiny static file server for built sites: 127.0.0.1 only, port chosen by the OS.
// Serves `dir` under `prefix` ("/" or "/sub/path/"); "dir" URLs get index.html, "dir" without a
// slash is redirected, and a missing file answers 404 with the site's 404.html (like a real host).
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml", ".xml": "application/xml",
  ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
  ".ico": "image/x-icon", ".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8", ".md": "text/markdown; charset=utf-8",
  ".woff2": "font/woff2",
};

export function serveStatic(dir, { prefix = "/" } = {}) {
  const root = path.resolve(dir);
  const log = [];
  const server = http.createServer((req, res) => {
    const send = (status, headers, body) => {
      log.push({ method: req.method, url: req.url, status });
      res.writeHead(status, { "Cache-Control": "no-store", ...headers });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    const notFound = () => {
      const page = path.join(root, "404.html");
      if (fs.existsSync(page)) send(404, { "Content-Type": TYPES[".html"] }, fs.readFileSync(page));
      else send(404, { "Content-Type": TYPES[".txt"] }, "not found\n");
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, { Allow: "GET, HEAD" }, "");
    const url = new URL(req.url, "http://127.0.0.1");
    if (!url.pathname.startsWith(prefix)) return notFound();
    let rel;
    try { rel = decodeURIComponent(url.pathname.slice(prefix.length)); } catch { return send(400, {}, "bad request\n"); }
    const file = path.resolve(root, "." + path.sep + rel);
    if (file !== root && !file.startsWith(root + path.sep)) return send(403, {}, "forbidden\n");
    let st;
    try { st = fs.statSync(file); } catch { return notFound(); }
    if (st.isDirectory()) {
      if (!url.pathname.endsWith("/")) return send(301, { Location: url.pathname + "/" + url.search }, "");
      const index = path.join(file, "index.html");
      if (!fs.existsSync(index)) return notFound();
      return send(200, { "Content-Type": TYPES[".html"] }, fs.readFileSync(index));
    }
    send(200, { "Content-Type": TYPES[path.extname(file).toLowerCase()] || "application/octet-stream" }, fs.readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}${prefix}`,
        log,
        close: () => new Promise(r => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}
