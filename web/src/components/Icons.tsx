// Small inline icons (SVG: they do not depend on the fonts the browser has): copy, and the
// magnifier with a plus or a minus of "filter for" / "filter out", as in Kibana.
const svg = (children: preact.ComponentChildren) => (
  <svg
    viewBox="0 0 16 16"
    width="13"
    height="13"
    aria-hidden="true"
    fill="none"
    stroke="currentColor"
    stroke-width="1.5"
    stroke-linecap="round"
  >
    {children}
  </svg>
);

export const CopyIcon = () =>
  svg(
    <>
      <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
      <path d="M3.5 10.5h-1a1 1 0 0 1-1-1v-7a1 1 0 0 1 1-1h7a1 1 0 0 1 1 1v1" />
    </>,
  );

export const FilterForIcon = () =>
  svg(
    <>
      <circle cx="6.5" cy="6.5" r="4.5" />
      <path d="M10 10l4.5 4.5M4.5 6.5h4M6.5 4.5v4" />
    </>,
  );

export const FilterOutIcon = () =>
  svg(
    <>
      <circle cx="6.5" cy="6.5" r="4.5" />
      <path d="M10 10l4.5 4.5M4.5 6.5h4" />
    </>,
  );
