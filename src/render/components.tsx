import Html, { type Children } from "@kitajs/html";
import { nativeButtonAttributes, triggerAttributes } from "../events/attributes";
import { isEventRef, type Trigger } from "../events/refs";
import { renderScopeIfAny } from "./context";
import { iconPaths } from "./icon";
import { styleString, withoutStyleProps, type StyleProps } from "./style";

/** Props every layout component takes: style props, the usual attributes, and events. */
export interface BoxProps extends StyleProps {
  children?: Children;
  id?: string;
  class?: string;
  role?: string;
  onClick?: Trigger;
  onChange?: Trigger;
  onSubmit?: Trigger;
  /** Escape the children: use it for text that came from users. */
  safe?: boolean;
  [attribute: `aria-${string}` | `data-${string}`]: string | number | boolean | undefined;
}

const EVENT_PROPS = { onClick: "click", onChange: "change", onSubmit: "submit" } as const;

/** Renders `tag` with style props folded into `style` and events into attributes. */
export function element(tag: string, props: BoxProps & Record<string, any>, baseStyle: Record<string, string | number> = {}): JSX.Element {
  const { children, ...rest } = withoutStyleProps(props);
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined) continue;
    if (key in EVENT_PROPS) Object.assign(attributes, triggerAttributes(value as Trigger, EVENT_PROPS[key as keyof typeof EVENT_PROPS]));
    else attributes[key] = value;
  }
  if (tag === "button" && isEventRef(props.onClick) && !("formaction" in attributes)) {
    // Without JavaScript the button submits the page's events form to the same
    // handler (an upload button already submits its zone's form).
    Object.assign(attributes, nativeButtonAttributes(props.onClick));
    const scope = renderScopeIfAny();
    if (scope) scope.usesEventsForm = true;
  }
  attributes.style = styleString(props, baseStyle);
  return Html.createElement(tag, attributes, ...(Array.isArray(children) ? children : [children ?? ""]));
}

export interface StackProps extends BoxProps {
  spacing?: string;
}

export function VStack({ spacing, ...props }: StackProps): JSX.Element {
  return element("div", props, { display: "flex", "flex-direction": "column", gap: spacingScale(spacing ?? "3") });
}

export function HStack({ spacing, ...props }: StackProps): JSX.Element {
  return element("div", props, { display: "flex", "flex-direction": "row", "align-items": "center", "flex-wrap": "wrap", gap: spacingScale(spacing ?? "3") });
}

export function Center(props: BoxProps): JSX.Element {
  return element("div", { ...props }, { display: "flex", "align-items": "center", "justify-content": "center" });
}

export function Box(props: BoxProps): JSX.Element {
  return element("div", { ...props });
}

export interface GridProps extends BoxProps {
  /** Number of equal columns, as in Reflex (`columns="2"`). */
  columns?: number | string;
  spacing?: string;
}

export function Grid(props: GridProps): JSX.Element {
  const { columns, spacing, ...rest } = props;
  return element("div", rest, {
    display: "grid",
    "grid-template-columns": `repeat(${Number(columns ?? 1)}, minmax(0, 1fr))`,
    gap: spacingScale(spacing ?? "2"),
  });
}

export function Text(props: BoxProps & { as?: "p" | "span" | "strong" | "h1" | "h2" | "h3" }): JSX.Element {
  const { as = "p", ...rest } = props;
  return element(as, rest, { margin: "0" });
}

export interface ButtonProps extends BoxProps {
  type?: "button" | "submit";
  disabled?: boolean;
}

export function Button(props: ButtonProps): JSX.Element {
  return element("button", { type: "button", class: "hs-button", ...props });
}

export function Image(props: BoxProps & { src: string; alt?: string }): JSX.Element {
  return element("img", { alt: "", ...props }, { "max-width": "100%" });
}

export function Video(props: BoxProps & { src: string; controls?: boolean; autoplay?: boolean; loop?: boolean; muted?: boolean }): JSX.Element {
  return element("video", { controls: true, ...props }, { "max-width": "100%" });
}

export function Progress(props: BoxProps & { value: number; max?: number; label?: string }): JSX.Element {
  const { value, max = 100, label = "Progress", ...rest } = props;
  return element("progress", { ...rest, value: String(value), max: String(max), "aria-label": label }, { width: "100%" });
}

export function Icon(props: BoxProps & { tag: string; size?: string; label?: string }): JSX.Element {
  const { tag, size = "1.5rem", label, ...rest } = props;
  const accessibility = label ? { role: "img", "aria-label": label } : { "aria-hidden": "true" };
  return element(
    "svg",
    {
      ...rest,
      ...accessibility,
      xmlns: "http://www.w3.org/2000/svg",
      viewBox: "0 0 24 24",
      fill: "none",
      stroke: "currentColor",
      "stroke-width": "2",
      "stroke-linecap": "round",
      "stroke-linejoin": "round",
      class: `hs-icon lucide-${tag.replaceAll("_", "-")}`,
      children: iconPaths(tag),
    },
    { width: size, height: size },
  );
}

// Reflex's spacing scale "1".."9" -> rem; anything else is CSS as given.
function spacingScale(spacing: string): string {
  const steps = ["0", "0.25rem", "0.5rem", "0.75rem", "1rem", "1.5rem", "2rem", "2.5rem", "3rem", "4rem"];
  return /^[0-9]$/.test(spacing) ? steps[Number(spacing)]! : spacing;
}
