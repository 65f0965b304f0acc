import { type FormEvent, useState } from "react";
import { Field } from "../../components/ui/Field";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { useSanctionsListsQuery, useScreenNameLazyQuery } from "../../gql/graphql";

/** Screens a name against the loaded sanctions list: possible matches, best first, with their score. */
export function ScreenName() {
  const [screen, { data, loading, error, called, variables }] = useScreenNameLazyQuery({ fetchPolicy: "network-only" });
  const [invalid, setInvalid] = useState<string | null>(null);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    setInvalid(name.length < 2 ? "Enter a name of at least 2 characters" : null);
    if (name.length >= 2) void screen({ variables: { name } });
  }
  return (
    <div className="stack">
      <LoadedLists />
      <form onSubmit={submit} className="row align-end" aria-label="Screen a name">
        <Field label="Name to screen" name="name" placeholder="José Antonio Pérez Morales" error={invalid} />
        <button type="submit" className="primary" disabled={loading}>
          Screen
        </button>
      </form>
      {loading ? (
        <Loading label="Screening…" />
      ) : error ? (
        <ErrorState message={error.message} />
      ) : !called || !data ? null : !data.screenName.length ? (
        <Empty>No possible match for “{variables?.name}” on the list.</Empty>
      ) : (
        <table className="grid" data-testid="screening-matches">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Listed name</th>
              <th scope="col">List</th>
              <th scope="col">Entry</th>
              <th scope="col" className="num">Score</th>
            </tr>
          </thead>
          <tbody>
            {data.screenName.map((m, i) => (
              <tr key={`${m.listName}-${m.entryId}`}>
                <td>{i + 1}</td>
                <td>{m.matchedName}</td>
                <td>{m.listName}</td>
                <td>
                  <code>{m.entryId}</code>
                </td>
                <td className="num">
                  <meter min={0} max={1} value={m.score} aria-hidden /> {m.score.toFixed(3)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** What screening runs against: each list's source, size, load time and checksum. */
function LoadedLists() {
  const { data, error } = useSanctionsListsQuery({ fetchPolicy: "cache-and-network" });
  if (error) return <ErrorState message="The loaded lists could not be read." />;
  if (!data) return null;
  return (
    <ul className="plain muted" data-testid="sanctions-lists">
      {data.sanctionsLists.map((list) => (
        <li key={list.name}>
          <strong>{list.name}</strong>: {list.entries.toLocaleString()} entries from {list.source}, loaded {new Date(list.loadedAt).toLocaleString()} (sha256 <code title={list.checksum}>{list.checksum.slice(0, 12)}…</code>)
        </li>
      ))}
    </ul>
  );
}
