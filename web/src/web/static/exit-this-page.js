// The Design System's Exit this page, leaving by replacing the page rather than adding to the
// history, so that the browser's Back button does not return to the page left. Without
// JavaScript the button is a plain link to a neutral site.
const root = document.querySelector("[data-portal-exit-this-page]");

if (root instanceof HTMLElement) {
  const { ExitThisPage } = await import(root.dataset.frontendScript);

  class LeavingExitThisPage extends ExitThisPage {
    // The component's own exit (its overlay and message), with location.replace.
    exitPage() {
      if (!this.$updateSpan) {
        return;
      }
      this.$updateSpan.textContent = "";
      document.body.classList.add("govuk-exit-this-page-hide-content");
      this.$overlay = document.createElement("div");
      this.$overlay.className = "govuk-exit-this-page-overlay";
      this.$overlay.setAttribute("role", "alert");
      document.body.appendChild(this.$overlay);
      this.$overlay.textContent = this.i18n.t("activated");
      window.location.replace(this.$button.href);
    }
  }

  new LeavingExitThisPage(root);
}
