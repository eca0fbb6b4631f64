/** @vitest-environment jsdom */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Composer } from './composer';

afterEach(cleanup);

function renderComposer(onSubmit: (text: string) => void | Promise<void>, disabled = false) {
  render(
    <Composer
      label="Message"
      onSubmit={onSubmit}
      disabled={disabled}
      inputTestId="message-input"
      submitTestId="send-button"
    />,
  );
  return {
    input: screen.getByTestId('message-input') as HTMLTextAreaElement,
    button: screen.getByTestId('send-button') as HTMLButtonElement,
  };
}

describe('Composer', () => {
  it('sends the trimmed text on Enter and clears the box', async () => {
    const onSubmit = vi.fn();
    const { input } = renderComposer(onSubmit);
    fireEvent.change(input, { target: { value: '  Hello  ' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(input.value).toBe(''));
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith('Hello');
  });

  it('keeps Shift+Enter for a new line and does not send', () => {
    const onSubmit = vi.fn();
    const { input } = renderComposer(onSubmit);
    fireEvent.change(input, { target: { value: 'first line' } });
    const notPrevented = fireEvent.keyDown(input, { key: 'Enter', shiftKey: true });
    expect(notPrevented).toBe(true);
    expect(onSubmit).not.toHaveBeenCalled();
    expect(input.value).toBe('first line');
  });

  it('sends nothing when the box is blank', () => {
    const onSubmit = vi.fn();
    const { input, button } = renderComposer(onSubmit);
    fireEvent.change(input, { target: { value: '   ' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onSubmit).not.toHaveBeenCalled();
    expect(button.disabled).toBe(true);
  });

  it('is disabled while a send is in flight and keeps the text when it fails', async () => {
    let reject: (error: Error) => void = () => {};
    const onSubmit = vi.fn(
      () =>
        new Promise<void>((_resolve, rejectSend) => {
          reject = rejectSend;
        }),
    );
    const { input, button } = renderComposer(onSubmit);
    fireEvent.change(input, { target: { value: 'Hi' } });
    fireEvent.click(button);
    await waitFor(() => expect(input.disabled).toBe(true));
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onSubmit).toHaveBeenCalledTimes(1);
    reject(new Error('offline'));
    await waitFor(() => expect(input.disabled).toBe(false));
    expect(input.value).toBe('Hi');
  });

  it('is disabled when its owner says so', () => {
    const { input, button } = renderComposer(vi.fn(), true);
    expect(input.disabled).toBe(true);
    expect(button.disabled).toBe(true);
  });
});
