import { html } from 'htm/preact';
import type { ComponentChildren, VNode } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiProblem, SignInNeeded } from './api';
import { apiField, apiMessage, currentLocale, label, t } from './i18n';

export { html };

// ---------- formatting ----------

/** Integer minor units as money in the person's language (S/ 150.00). */
export function money(amount: number, currency: string): string {
  return new Intl.NumberFormat(currentLocale(), { style: 'currency', currency }).format(amount / 100);
}

export function dateTime(iso: string | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(currentLocale(), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'America/Lima',
  }).format(new Date(iso));
}

export function date(iso: string | undefined): string {
  if (!iso) return '—';
  const value = iso.length === 10 ? `${iso}T12:00:00-05:00` : iso;
  return new Intl.DateTimeFormat(currentLocale(), { dateStyle: 'medium', timeZone: 'America/Lima' }).format(
    new Date(value),
  );
}

/** How long ago, in the largest whole unit (3 h, 2 d). */
export function age(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  const unit = (value: number, name: string) =>
    new Intl.NumberFormat(currentLocale(), { style: 'unit', unit: name, unitDisplay: 'short' }).format(value);
  if (seconds < 3600) return unit(Math.max(1, Math.floor(seconds / 60)), 'minute');
  if (seconds < 86_400) return unit(Math.floor(seconds / 3600), 'hour');
  return unit(Math.floor(seconds / 86_400), 'day');
}

// ---------- routing (hash: a static host serves one page) ----------

export function useRoute(): string[] {
  const read = () =>
    location.hash
      .replace(/^#\/?/, '')
      .split('/')
      .filter((part) => part !== '')
      .map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;

// ---------- loading ----------

export type Loaded<T> = { state: 'loading' } | { state: 'ok'; data: T } | { state: 'error'; error: unknown };

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [Loaded<T>, () => void] {
  const [value, setValue] = useState<Loaded<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    setValue({ state: 'loading' });
    load().then(
      (data) => live && setValue({ state: 'ok', data }),
      (error: unknown) => live && setValue({ state: 'error', error }),
    );
    return () => {
      live = false;
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return [value, reload];
}

/** Renders a load: a polite "loading", the problem in words, or the data. */
export function Show<T>(props: { value: Loaded<T>; children: (data: T) => ComponentChildren }): VNode {
  const { value } = props;
  if (value.state === 'loading') return html`<p class="muted" role="status">${t('loading')}</p>`;
  if (value.state === 'error') return html`<${ProblemNotice} error=${value.error} />`;
  return html`${props.children(value.data)}`;
}

/**
 * A problem as a person reads it: not found, not allowed, a lost race, or "try again". `listed`: a
 * 400's `errors` that name no field of the form (a report's `line 2: Monto`), in words, shown here.
 */
export function ProblemNotice(props: { error: unknown; listed?: string[] }): VNode | null {
  const { error, listed = [] } = props;
  if (error instanceof SignInNeeded) return null;
  if (!(error instanceof ApiProblem)) {
    return html`<p class="notice error" role="alert">${t('genericError', { status: String(error) })}</p>`;
  }
  const problem = error.problem;
  if (problem.status === 404) {
    return html`<section class="notice" role="alert"><h2>${t('notFound')}</h2><p>${t('notFoundLead')}</p></section>`;
  }
  if (problem.status === 403) return html`<p class="notice error" role="alert">${t('forbidden')}</p>`;
  if (problem.status === 409) {
    const now = (problem.refundStatus ?? problem.payoutStatus) as string | undefined;
    const race = problem.code === 'invalid_status' || problem.code === 'already_reviewed';
    // What happened in the person's words: the status it is in now; the API's own sentence
    // (English) only where there is nothing better to say.
    return html`<div class="notice warn" role="alert">
      <p>${t(race ? 'raceLost' : 'conflict', { detail: problem.detail })}</p>
      ${now ? html`<p>${t('nowStatus', { status: label(now) })}</p>` : race ? html`<p>${problem.detail}</p>` : null}
    </div>`;
  }
  if (problem.status === 400 && problem.errors?.length) {
    return html`<div class="notice error" role="alert" data-field-errors>
      ${listed.length < problem.errors.length ? html`<p>${t('fieldErrors')}</p>` : null}
      ${
        listed.length > 0
          ? html`<p>${t('listedErrors')}</p><ul>${listed.map((item) => html`<li>${item}</li>`)}</ul>`
          : null
      }
    </div>`;
  }
  if (problem.status === 503 || problem.status === 429) {
    return html`<p class="notice error" role="alert">${t('unavailable')}</p>`;
  }
  return html`<p class="notice error" role="alert">${t('genericError', { status: problem.status })}: ${problem.detail}</p>`;
}

// ---------- drafts: what a person typed survives a trip to the sign-in page ----------

const DRAFT_PREFIX = 'console.draft.';
/** A form's submission in flight (its Idempotency-Key), beside its draft. */
const ATTEMPT_PREFIX = 'console.attempt.';

export function useDraft<T extends Record<string, string>>(
  key: string,
  initial: T,
): [T, (name: keyof T, value: string) => void, () => void] {
  const storageKey = DRAFT_PREFIX + key;
  const [values, setValues] = useState<T>(() => {
    try {
      return { ...initial, ...(JSON.parse(sessionStorage.getItem(storageKey) ?? '{}') as Partial<T>) };
    } catch {
      return initial;
    }
  });
  const set = (name: keyof T, value: string) =>
    setValues((previous) => {
      const next = { ...previous, [name]: value };
      sessionStorage.setItem(storageKey, JSON.stringify(next));
      return next;
    });
  const clear = () => {
    sessionStorage.removeItem(storageKey);
    setValues(initial);
  };
  return [values, set, clear];
}

// ---------- forms that validate as the API does ----------

export interface FieldSpec {
  name: string;
  label: string;
  type?: 'text' | 'datetime-local' | 'textarea' | 'select' | 'file' | 'search';
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  options?: { value: string; label: string }[];
  /** The API's name for it in `errors[].field` when it differs (e.g. `body.reason`). */
  apiField?: string;
}

/**
 * A small form bound to a draft: the browser checks what the API's schema checks (required,
 * lengths, patterns) before sending, and a 400's `errors` land beside the fields they name, in
 * the person's language.
 */
export function ActionForm(props: {
  id: string;
  fields: FieldSpec[];
  submitLabel: string;
  /**
   * `attempt`: an id for this submission, the same when it is sent again after an answer that was
   * lost (a network error or a 5xx, the page reloaded meanwhile): pass it as the Idempotency-Key.
   */
  onSubmit: (
    values: Record<string, string>,
    files: Record<string, File | undefined>,
    attempt: string,
  ) => Promise<void>;
  onDone?: () => void;
  intro?: ComponentChildren;
}): VNode {
  const initial = Object.fromEntries(
    props.fields.map((field) => [field.name, field.options?.[0]?.value ?? '']),
  );
  const [values, set, clear] = useDraft(props.id, initial);
  const [files, setFiles] = useState<Record<string, File | undefined>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [listed, setListed] = useState<string[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const local: Record<string, string> = {};
    for (const field of props.fields) {
      const value = (values[field.name] ?? '').trim();
      if (field.type === 'file') {
        if (field.required && !files[field.name]) local[field.name] = t('required');
        continue;
      }
      if (field.required && value === '') local[field.name] = t('required');
      else if (field.minLength && value !== '' && value.length < field.minLength)
        local[field.name] = t('tooShort', { min: field.minLength });
      else if (field.pattern && value !== '' && !new RegExp(`^(?:${field.pattern})$`).test(value))
        local[field.name] = t('invalidValue');
    }
    setErrors(local);
    setListed([]);
    setFailure(undefined);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    // Kept beside the draft until the API has answered this attempt: a request whose answer never
    // came (the network, a 5xx) may have been done, so sending it again must say it is the same
    // one — a refund requested twice is money paid twice. Any answer the API did give (done, or a
    // problem) ends the attempt: the next submission, perhaps edited, is a new one.
    const attemptStorage = ATTEMPT_PREFIX + props.id;
    const attempt = sessionStorage.getItem(attemptStorage) ?? crypto.randomUUID();
    sessionStorage.setItem(attemptStorage, attempt);
    try {
      await props.onSubmit(values, files, attempt);
      sessionStorage.removeItem(attemptStorage);
      clear();
      setDone(true);
      props.onDone?.();
    } catch (error) {
      if ((error instanceof ApiProblem && error.problem.status < 500) || error instanceof SignInNeeded)
        sessionStorage.removeItem(attemptStorage);
      if (error instanceof ApiProblem && error.problem.errors?.length) {
        // Beside the field each names; what names none (a report's `line 2: Monto`) listed with
        // its own name. Every one is shown: two on one field are both there.
        const byField: Record<string, string> = {};
        const unplaced: string[] = [];
        for (const problem of error.problem.errors) {
          const field = props.fields.find(
            (candidate) =>
              (candidate.apiField ?? `body.${candidate.name}`) === problem.field ||
              problem.field.endsWith(`.${candidate.name}`),
          );
          const message = apiMessage(problem.message);
          if (field)
            byField[field.name] = byField[field.name] ? `${byField[field.name]} ${message}` : message;
          else unplaced.push(problem.field ? `${apiField(problem.field)}: ${message}` : message);
        }
        setErrors(byField);
        setListed(unplaced);
      }
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  return html`<form class="action-form" novalidate onSubmit=${submit} aria-busy=${busy}>
    ${props.intro}
    ${props.fields.map((field) => {
      const id = `${props.id}-${field.name}`;
      const error = errors[field.name];
      const common = {
        id,
        name: field.name,
        'aria-invalid': error ? 'true' : undefined,
        'aria-describedby': error ? `${id}-error` : undefined,
        required: field.required,
      };
      const input =
        field.type === 'textarea'
          ? html`<textarea ...${common} rows="3" maxlength=${field.maxLength} value=${values[field.name]}
              onInput=${(e: Event) => set(field.name, (e.target as HTMLTextAreaElement).value)}></textarea>`
          : field.type === 'select'
            ? html`<select ...${common} value=${values[field.name]}
                onChange=${(e: Event) => set(field.name, (e.target as HTMLSelectElement).value)}>
                ${field.options?.map((option) => html`<option value=${option.value}>${option.label}</option>`)}
              </select>`
            : field.type === 'file'
              ? html`<input ...${common} type="file" accept=".csv,.xlsx"
                  onChange=${(e: Event) => setFiles({ ...files, [field.name]: (e.target as HTMLInputElement).files?.[0] })} />`
              : html`<input ...${common} type=${field.type ?? 'text'} maxlength=${field.maxLength}
                  value=${values[field.name]} onInput=${(e: Event) => set(field.name, (e.target as HTMLInputElement).value)} />`;
      return html`<div class="field">
        <label for=${id}>${field.label}</label>
        ${input}
        ${error ? html`<p class="field-error" id=${`${id}-error`}>${error}</p>` : null}
      </div>`;
    })}
    ${failure ? html`<${ProblemNotice} error=${failure} listed=${listed} />` : null}
    ${done && !failure ? html`<p class="notice ok" role="status">${t('done')}</p>` : null}
    <button type="submit" disabled=${busy}>${props.submitLabel}</button>
  </form>`;
}

/** A decision button that opens its form (reason, transfer reference…) in place. */
export function Decision(props: { label: string; children: ComponentChildren; disabled?: boolean }): VNode {
  const [open, setOpen] = useState(false);
  return html`<div class="decision">
    <button type="button" class="secondary" aria-expanded=${open} disabled=${props.disabled}
      onClick=${() => setOpen(!open)}>${props.label}</button>
    ${open ? props.children : null}
  </div>`;
}

export function Status(props: { code: string }): VNode {
  return html`<span class=${`badge badge-${props.code.toLowerCase()}`}>${label(props.code)}</span>`;
}
