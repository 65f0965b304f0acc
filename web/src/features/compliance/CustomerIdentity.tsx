/** What the officers' tables show beside a name: date of birth and the document number masked by the server. */
export interface IdentityView {
  dateOfBirth?: string | null;
  documentType?: string | null;
  documentNumberMasked?: string | null;
}

const documentLabel = (type: string | null | undefined) => (type ? type.replace("_", " ").toLowerCase() : "document");

/** Two cells: born, and the masked document (an em dash when the customer has submitted none). */
export function IdentityCells({ identity }: { identity: IdentityView | null | undefined }) {
  return (
    <>
      <td data-testid="born">{identity?.dateOfBirth ?? <span className="muted">—</span>}</td>
      <td data-testid="document">
        {identity?.documentNumberMasked ? (
          <span title={documentLabel(identity.documentType)}>
            <span className="sr-only">{documentLabel(identity.documentType)} </span>
            <code>{identity.documentNumberMasked}</code>
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </>
  );
}

export const IdentityHeaders = () => (
  <>
    <th scope="col">Born</th>
    <th scope="col">Document</th>
  </>
);

/** One line for a card: "born 1990-05-17 · passport ••••6543". */
export function identityLine(identity: IdentityView | null | undefined): string | null {
  if (!identity?.dateOfBirth && !identity?.documentNumberMasked) return null;
  return [identity.dateOfBirth && `born ${identity.dateOfBirth}`, identity.documentNumberMasked && `${documentLabel(identity.documentType)} ${identity.documentNumberMasked}`].filter(Boolean).join(" · ");
}
