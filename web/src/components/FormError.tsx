import type { ReactNode } from "react";

type Props = {
  /** Nothing is shown without one. */
  message: ReactNode;
  /** For the field's `aria-describedby`. */
  id?: string;
  /** Where the line sits (`chat__error`), beside the shared look. */
  className?: string;
  /** Within a line of text (a list row), a `span` rather than a paragraph. */
  inline?: boolean;
  testId?: string;
};

/** What went wrong, under the form or the action it is about; screen readers say it as it appears. */
export function FormError({ message, id, className, inline = false, testId }: Props) {
  if (!message) return null;
  const Tag = inline ? "span" : "p";
  return (
    <Tag id={id} className={className ? `form-error ${className}` : "form-error"} role="alert" data-testid={testId}>
      {message}
    </Tag>
  );
}
