import { type FormEvent, useState } from "react";
import { FormError } from "../../components/ui/Field";
import {
  type CaseFieldsFragment,
  useAddCaseNoteMutation,
  useAssignCaseMutation,
  useCloseCaseMutation,
  useEscalateCaseMutation,
  useFileSarMutation,
} from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";
import { toast } from "../../lib/toast";
import { CASE_TEXT, type CaseAction, caseTextError, isOpenCase, personName, statusLabel } from "./case-rules";

/** One case: its alerts, the notes in order, and, while it is open, the officer's actions. */
export function CasePanel({ item, onChanged }: { item: CaseFieldsFragment; onChanged?: () => void }) {
  const open = isOpenCase(item.caseStatus);
  return (
    <section className="stack" aria-label={`Case ${item.id}`} data-case-id={item.id}>
      <div className="row spread">
        <strong>
          {item.rule} · risk {item.riskScore} · {statusLabel(item.caseStatus)}
        </strong>
        <span className="muted">
          {item.assignee ? `assigned to ${personName(item.assignee, item.assignee.id)}` : "unassigned"} · updated {new Date(item.updatedAt).toLocaleString()}
        </span>
      </div>
      <ol className="plain stack" aria-label="Timeline">
        {item.description.split("\n").map((line, i) => (
          <li key={`alert-${i}`}>
            <span className="muted">alert</span> {line}
          </li>
        ))}
        {item.notes.map((note, i) => (
          <li key={`note-${i}`} data-testid="case-note">
            <span className="muted">
              {personName(note.author, note.author.id)}, {new Date(note.createdAt).toLocaleString()}:
            </span>{" "}
            <span className="narrative">{note.text}</span>
          </li>
        ))}
      </ol>
      {item.transactionIds.length > 0 && (
        <p className="muted">
          Transactions: <code>{item.transactionIds.join(", ")}</code>
        </p>
      )}
      {item.resolution && (
        <p>
          Resolution: <span className="narrative">{item.resolution}</span>
        </p>
      )}
      {item.sarNumber && (
        <p data-testid="sar-filed">
          SAR <strong>{item.sarNumber}</strong> filed: <span className="narrative">{item.sarNarrative}</span>
        </p>
      )}
      {open ? <CaseActions item={item} onChanged={onChanged} /> : <p className="muted">This case is {statusLabel(item.caseStatus)} and can no longer change.</p>}
    </section>
  );
}

const DECISIONS: Array<[Exclude<CaseAction, "note">, string]> = [
  ["escalate", "Escalate"],
  ["close", "Close with no action"],
  ["sar", "File SAR"],
];

function CaseActions({ item, onChanged }: { item: CaseFieldsFragment; onChanged?: () => void }) {
  const options = { onCompleted: () => onChanged?.() };
  const [assign, assigning] = useAssignCaseMutation(options);
  const [addNote, noting] = useAddCaseNoteMutation(options);
  const [escalate, escalating] = useEscalateCaseMutation(options);
  const [close, closing] = useCloseCaseMutation(options);
  const [fileSar, filing] = useFileSarMutation(options);
  const busy = [assigning, noting, escalating, closing, filing].some((m) => m.loading);
  const [note, setNote] = useState("");
  const [action, setAction] = useState<Exclude<CaseAction, "note">>(item.caseStatus === "ESCALATED" ? "close" : "escalate");
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function run(work: () => Promise<unknown>, done: string) {
    setError(null);
    try {
      await work();
      toast("success", done);
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    }
  }

  async function submitNote(event: FormEvent) {
    event.preventDefault();
    const invalid = caseTextError("note", note);
    if (invalid) return setError(invalid);
    if (await run(() => addNote({ variables: { id: item.id, text: note.trim() } }), "Note added")) setNote("");
  }

  async function decide(event: FormEvent) {
    event.preventDefault();
    const invalid = caseTextError(action, text);
    if (invalid) return setError(invalid);
    const value = text.trim();
    const work =
      action === "escalate"
        ? () => escalate({ variables: { id: item.id, reason: value } })
        : action === "close"
          ? () => close({ variables: { id: item.id, resolution: value } })
          : () => fileSar({ variables: { id: item.id, narrative: value } });
    if (await run(work, action === "sar" ? "SAR filed" : action === "close" ? "Case closed" : "Case escalated")) setText("");
  }

  return (
    <div className="stack">
      <div className="row">
        <button type="button" disabled={busy} onClick={() => void run(() => assign({ variables: { id: item.id } }), "Case assigned to you")}>
          Assign to me
        </button>
      </div>
      <form className="stack" onSubmit={(e) => void submitNote(e)} aria-label="Add a note">
        <div className="field">
          <label htmlFor={`note-${item.id}`}>Note</label>
          <textarea id={`note-${item.id}`} rows={2} maxLength={CASE_TEXT.note.max} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        <button type="submit" disabled={busy}>
          Add note
        </button>
      </form>
      <form className="stack" onSubmit={(e) => void decide(e)} aria-label="Decide the case">
        <fieldset className="row">
          <legend>Decision</legend>
          {DECISIONS.filter(([id]) => id !== "escalate" || item.caseStatus !== "ESCALATED").map(([id, label]) => (
            <label key={id}>
              <input type="radio" name={`decision-${item.id}`} value={id} checked={action === id} onChange={() => setAction(id)} /> {label}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={`decision-text-${item.id}`}>{CASE_TEXT[action].label}</label>
          <textarea id={`decision-text-${item.id}`} rows={action === "sar" ? 6 : 2} maxLength={CASE_TEXT[action].max} value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <button type="submit" className={action === "escalate" ? "" : "primary"} disabled={busy}>
          {DECISIONS.find(([id]) => id === action)![1]}
        </button>
      </form>
      <FormError message={error} />
    </div>
  );
}
