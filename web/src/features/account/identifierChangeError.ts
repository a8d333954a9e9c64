import { errorMessage } from "../../api/errorText.ts";
import { ApiError } from "../../api/http.ts";
import { phoneProblemText, type IdentifierKind } from "../signin/identifier.ts";

/**
 * What went wrong changing the email or phone, in the change form's terms. The server checks
 * whether the new address is free only when the code is confirmed (asking for a code tells nobody
 * whether an address has an account); a taken one keeps its code unspent.
 */
export function identifierChangeError(error: unknown, kind: IdentifierKind): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  switch (error.code) {
    case "IDENTIFIER_INVALID":
      return kind === "phone" ? phoneProblemText(error.details("IDENTIFIER_INVALID")) : "That email address does not look right. Check it and try again.";
    case "EMAIL_TAKEN":
      return "Another account uses this email address, so it cannot be added to yours. Use another address, or delete that account first.";
    case "PHONE_TAKEN":
      return "Another account uses this phone number, so it cannot be added to yours. Use another number, or delete that account first.";
    case "AUTH_CODE_EXPIRED":
    case "AUTH_CODE_LOCKED":
    case "AUTH_CODE_USED":
      return `${errorMessage(error).replace(/ Send a new code.*$/, "")} Choose “Use another ${kind === "email" ? "address" : "number"}” to send a new one.`;
    default:
      return errorMessage(error);
  }
}
