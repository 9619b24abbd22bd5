/** Reflex-like style props: each becomes one CSS declaration. */
export interface StyleProps {
  border?: string;
  borderRadius?: string;
  padding?: string;
  margin?: string;
  color?: string;
  bg?: string;
  width?: string;
  height?: string;
  maxWidth?: string;
  minHeight?: string;
  fontSize?: string;
  fontWeight?: string | number;
  textAlign?: "left" | "center" | "right";
  align?: "start" | "center" | "end" | "stretch";
  justify?: "start" | "center" | "end" | "between";
  gap?: string;
  /** Any other CSS, camelCase keys as in React. */
  style?: Record<string, string | number>;
}

const CSS_NAMES: Record<string, string> = {
  bg: "background",
  align: "align-items",
  justify: "justify-content",
};

const ALIGN_VALUES: Record<string, string> = {
  start: "flex-start",
  end: "flex-end",
  between: "space-between",
};

const STYLE_KEYS = [
  "border", "borderRadius", "padding", "margin", "color", "bg", "width", "height", "maxWidth",
  "minHeight", "fontSize", "fontWeight", "textAlign", "align", "justify", "gap",
] as const;

/** The inline `style` string for a set of props, base declarations first. */
export function styleString(props: StyleProps, base: Record<string, string | number> = {}): string | undefined {
  const declarations: Record<string, string | number> = { ...base };
  for (const key of STYLE_KEYS) {
    const value = props[key];
    if (value === undefined) continue;
    const name = CSS_NAMES[key] ?? kebab(key);
    declarations[name] = key === "align" || key === "justify" ? (ALIGN_VALUES[value] ?? value) : value;
  }
  for (const [key, value] of Object.entries(props.style ?? {})) declarations[kebab(key)] = value;
  const css = Object.entries(declarations)
    .map(([name, value]) => `${name}:${value}`)
    .join(";");
  return css || undefined;
}

/** Props with the style props taken out, to pass the rest to the element. */
export function withoutStyleProps<T extends StyleProps>(props: T): Omit<T, keyof StyleProps> {
  const rest: Record<string, unknown> = { ...(props as Record<string, unknown>) };
  for (const key of STYLE_KEYS) delete rest[key];
  delete rest.style;
  return rest as Omit<T, keyof StyleProps>;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
