/**
 * The badge's embed code, one place for the verification page, the integration guide and the docs.
 *
 * An `<img>`'s `alt` replaces the SVG's own accessible text (its French `aria-label`), and the `alt` is
 * written once, when the code is copied: it cannot say tomorrow's status. So the plain snippet's `alt`
 * says only what stays true (whose badge it is, and where its status is), and a small script served by
 * the registry (/badge.js, below) gives assistive technology the status the picture shows: it reads the
 * badge's own answer (its `aria-label`, the sentence drawn from the same model as the picture) and
 * writes it into the `alt`. Sites that allow no script keep the plain snippet.
 */

const attr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/** What the plain snippet's `alt` can honestly say: whose badge, and where its status is told. */
export const honestAlt = (name: string) =>
  `Label Services Publics + de ${name} : statut à jour sur la page de vérification du registre`;

/**
 * The HTML to paste: a link to the verification page around the badge, and (`script`) the registry's
 * /badge.js that tells screen readers the badge's status.
 */
export function embedSnippet(o: { base: string; code: string; name: string; script: boolean }): string {
  const code = encodeURIComponent(o.code);
  const u = (path: string) => new URL(path, o.base).toString();
  const img = `<a href="${u(`/verify/${code}`)}"><img src="${u(`/badge/${code}.svg`)}" alt="${attr(honestAlt(o.name))}" height="20"></a>`;
  return o.script ? `${img}\n<script src="${u("/badge.js")}" async></script>` : img;
}

/**
 * /badge.js: for every `<img>` of the page showing a badge of the registry that served this script, fetch
 * that badge (CORS is open; the browser usually has it already) and put its accessible text — « Label
 * Services Publics + : palier Or, label suspendu » — into the image's `alt`, so a screen reader says the
 * status the picture shows. No dependency, no global, no cookie, no style: nothing but `alt` changes. If
 * anything fails, the honest `alt` of the snippet stays. ES2015, for every browser a public site supports.
 */
export const BADGE_SCRIPT = `/* Registre du label « Services Publics + » : dit aux lecteurs d'écran le statut des badges de la page. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !window.fetch || !window.DOMParser) return;
  var prefix = new URL(me.src).origin + "/badge/";
  function tell(img) {
    var src = img.currentSrc || img.src;
    if (src.indexOf(prefix) !== 0 || img.hasAttribute("data-spp-statut")) return;
    img.setAttribute("data-spp-statut", "");
    fetch(src, { mode: "cors", credentials: "omit" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (svg) {
        var root = new DOMParser().parseFromString(svg, "image/svg+xml").documentElement;
        var said = root && root.getAttribute("aria-label");
        if (said) img.alt = said;
      })
      .catch(function () {});
  }
  function all() { Array.prototype.forEach.call(document.images, tell); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
})();
`;
