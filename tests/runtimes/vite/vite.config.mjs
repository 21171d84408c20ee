// One multi-page build: suite-*.html run tests/js's suite through an entry, weight-*.html only
// mount the Lootly widget (what a shop's page does) and are weighed by the test.
export default {
  logLevel: "warn",
  build: {
    target: "es2022",
    rollupOptions: {
      input: Object.fromEntries(
        ["suite-root", "suite-lootly", "suite-slim", "suite-widget", "weight-root", "weight-lootly", "weight-widget"].map((page) => [page, `${page}.html`]),
      ),
    },
  },
};
