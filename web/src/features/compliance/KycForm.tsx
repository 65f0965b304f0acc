import { type FormEvent, useState } from "react";
import { Field, FormError } from "../../components/ui/Field";
import { type KycVerificationFieldsFragment, MyKycDocument, useSubmitKycMutation } from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";
import { type DocumentType, type KycDraft, type KycErrors, normaliseDraft, validateKyc } from "./kyc-rules";

const DOCUMENT_TYPES: ReadonlyArray<[DocumentType, string]> = [
  ["PASSPORT", "Passport"],
  ["NATIONAL_ID", "National identity card"],
  ["DRIVERS_LICENSE", "Driving licence"],
];

const today = () => new Date().toISOString().slice(0, 10);

/**
 * The identity document a customer submits. Names are not typed in: the server compares the
 * passport's machine-readable zone with the name on the account, so that name is shown instead.
 */
export function KycForm({ fullName, onSubmitted }: { fullName: string; onSubmitted?: (verification: KycVerificationFieldsFragment) => void }) {
  const [documentType, setDocumentType] = useState<DocumentType>("PASSPORT");
  const [errors, setErrors] = useState<KycErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submit, { loading }] = useSubmitKycMutation({ refetchQueries: [MyKycDocument], awaitRefetchQueries: true });

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "");
    const draft: KycDraft = {
      documentType,
      documentNumber: text("documentNumber"),
      mrz: text("mrz"),
      dateOfBirth: text("dateOfBirth"),
      nationality: text("nationality"),
      issuingCountry: text("issuingCountry"),
      expiryDate: text("expiryDate"),
    };
    const found = validateKyc(draft, today());
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length) return;
    const { mrz, ...rest } = normaliseDraft(draft);
    try {
      const { data } = await submit({ variables: { input: { ...rest, ...(documentType === "PASSPORT" ? { mrz } : {}) } } });
      if (data) onSubmitted?.(data.submitKyc);
    } catch (e) {
      setFormError(errorMessage(e));
    }
  }

  return (
    <form onSubmit={onSubmit} className="stack" aria-label="Identity document" noValidate>
      <p className="muted">
        Name on the account: <strong data-testid="kyc-name">{fullName}</strong>. The document must be in this name.
      </p>
      <div className="row align-end">
        <label className="field">
          <span>Document type</span>
          <select name="documentType" value={documentType} onChange={(e) => setDocumentType(e.target.value as DocumentType)}>
            {DOCUMENT_TYPES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <Field label="Document number" name="documentNumber" autoComplete="off" error={errors.documentNumber} />
      </div>
      {documentType === "PASSPORT" && (
        <div className="field">
          <label htmlFor="f-mrz">Machine-readable zone (the two lines at the bottom of the photo page)</label>
          <textarea
            id="f-mrz"
            name="mrz"
            rows={2}
            className="mrz"
            spellCheck={false}
            autoComplete="off"
            placeholder={"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"}
            aria-invalid={errors.mrz ? true : undefined}
            aria-describedby={errors.mrz ? "f-mrz-error" : undefined}
          />
          {errors.mrz && (
            <small className="field-error" id="f-mrz-error" role="alert">
              {errors.mrz}
            </small>
          )}
        </div>
      )}
      <div className="row align-end">
        <Field label="Date of birth" name="dateOfBirth" placeholder="YYYY-MM-DD" error={errors.dateOfBirth} />
        <Field label="Nationality" name="nationality" placeholder="DE or DEU" maxLength={3} error={errors.nationality} />
        <Field label="Issuing country" name="issuingCountry" placeholder="DE or DEU" maxLength={3} error={errors.issuingCountry} />
        <Field label="Expiry date" name="expiryDate" placeholder="YYYY-MM-DD" error={errors.expiryDate} />
      </div>
      <FormError message={formError} />
      <div>
        <button type="submit" className="primary" disabled={loading}>
          {loading ? "Checking…" : "Submit for verification"}
        </button>
      </div>
    </form>
  );
}
