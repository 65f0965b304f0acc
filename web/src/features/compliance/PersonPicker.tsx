import { useEffect, useId, useState } from "react";
import { useFindPeopleQuery } from "../../gql/graphql";

export interface ChosenPerson {
  id: string;
  name: string;
}

/** Waits for the typing to pause before asking the server (each keystroke would be a query). */
function useSettled(value: string, ms = 250): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * Choose a person by name (or email): what is typed is searched on the server once it has at least
 * 2 characters, and a click on a result chooses that person. The id never has to be typed.
 */
export function PersonPicker({ label, value, onChange }: { label: string; value: ChosenPerson | null; onChange: (person: ChosenPerson | null) => void }) {
  const inputId = useId();
  const [text, setText] = useState("");
  const search = useSettled(text.trim());
  const { data, loading, error } = useFindPeopleQuery({ variables: { search }, skip: search.length < 2 || value !== null });
  if (value) {
    return (
      <div className="field">
        <span className="label">{label}</span>
        <span className="row" data-testid="chosen-person">
          <strong>{value.name}</strong>
          <button type="button" aria-label={`Clear ${label.toLowerCase()}`} onClick={() => onChange(null)}>
            ×
          </button>
        </span>
      </div>
    );
  }
  const people = search.length >= 2 ? (data?.users ?? []) : [];
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} type="search" autoComplete="off" placeholder="Name or email" value={text} onChange={(e) => setText(e.target.value)} />
      {search.length >= 2 && (
        <ul className="plain" role="listbox" aria-label={`${label} matches`}>
          {loading && !data ? <li className="muted">Searching…</li> : null}
          {error ? <li className="down">People could not be searched.</li> : null}
          {!loading && !error && people.length === 0 ? <li className="muted">Nobody matches.</li> : null}
          {people.map((p) => (
            <li key={p.id} role="option" aria-selected={false}>
              <button
                type="button"
                onClick={() => {
                  onChange({ id: p.id, name: `${p.firstName} ${p.lastName}` });
                  setText("");
                }}
              >
                {p.firstName} {p.lastName} <span className="muted">{p.email}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
