import { expect, test } from "bun:test";
import { render } from "preact-render-to-string";
import { Markdown } from "./markdown.tsx";

const md = (s: string) => render(<Markdown source={s} />);

test("one-pager markdown: headings, lists, code, links, emphasis", () => {
  const out = md(
    "### What do you get?\n\nAn *Nginx* proxy with **TLS**.\n\n- one\n- two `x`\n\n```\n$ kubectl get pods\n```\n\nSee [docs](https://example.com/a?b=1&c=2).",
  );
  expect(out).toBe(
    '<div class="markdown"><h4>What do you get?</h4><p>An <em>Nginx</em> proxy with <strong>TLS</strong>.</p>' +
      "<ul><li>one</li><li>two <code>x</code></li></ul><pre><code>$ kubectl get pods</code></pre>" +
      '<p>See <a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer" target="_blank">docs</a>.</p></div>',
  );
});

test("raw HTML is text and script links are dropped", () => {
  const out = md("<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[click](javascript:alert(1))");
  expect(out).not.toContain("<script");
  expect(out).not.toContain("<img");
  expect(out).toContain("&lt;script>alert(1)&lt;/script>");
  expect(out).not.toContain("javascript:");
  expect(out).toContain("<p>click</p>");
});
