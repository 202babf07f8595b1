import { afterEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount, mount } from '@vue/test-utils';
import { nextTick } from 'vue';
import GradingScaleEditor from './GradingScaleEditor.vue';
import type { EditableQuestion, Scale } from './scale-tree';
import { withI18n } from '@/testing/plugins';

enableAutoUnmount(afterEach);

describe('the grading-scale editor', () => {
  it('shows the total and follows the points as they are typed (decimal comma included)', async () => {
    const editor = mountEditor(scale());
    expect(editor.find('[data-testid="scale-total"]').text()).toContain('10 pts');
    const points = editor.findAll('input[inputmode="decimal"]');
    await points[0]!.setValue('3,5');
    expect(editor.find('[data-testid="scale-total"]').text()).toContain('11,5 pts');
    expect(current(editor)[0]!.children[0]!.maxPoints).toBe(3.5);
  });

  it('moves a question down with the keyboard button, and keeps focus on that button', async () => {
    const editor = mountEditor(scale(), { attachTo: document.body });
    const down = editor.find('[data-focus="q1a:down"]');
    (down.element as HTMLElement).focus();
    await down.trigger('click');
    await nextTick();
    await nextTick();
    expect(current(editor)[0]!.children.map((q) => q.questionId)).toEqual(['q1b', 'q1a']);
    expect(document.activeElement?.getAttribute('data-focus')).toBe('q1a:label');
    expect(editor.find('[aria-live="polite"]').text()).toContain('1.2');
  });

  it('keeps focus on the same button when the question can move again', async () => {
    const editor = mountEditor([leaf('a', 'A', 1), leaf('b', 'B', 1), leaf('c', 'C', 1)], { attachTo: document.body });
    await editor.find('[data-focus="a:down"]').trigger('click');
    await nextTick();
    await nextTick();
    expect(current(editor).map((q) => q.questionId)).toEqual(['b', 'a', 'c']);
    expect(document.activeElement?.getAttribute('data-focus')).toBe('a:down');
  });

  it('nests a question under the previous one with the → button', async () => {
    const editor = mountEditor(scale());
    await editor.find('[data-focus="q2:indent"]').trigger('click');
    expect(current(editor)).toHaveLength(1);
    expect(current(editor)[0]!.children.map((q) => q.questionId)).toEqual(['q1a', 'q1b', 'q2']);
  });

  it('reorders by drag and drop: dropped on the upper part of a row, it goes before it', async () => {
    const editor = mountEditor(scale());
    const handle = editor.find('[data-question="q2"] .handle');
    await handle.trigger('dragstart', { dataTransfer: new DataTransfer() });
    // happy-dom rows have no height: clientY 0 is the row's top edge.
    const target = editor.find('[data-question="q1"] > .scale-row');
    await target.trigger('dragover', { clientY: 0, dataTransfer: new DataTransfer() });
    await target.trigger('drop', { clientY: 0, dataTransfer: new DataTransfer() });
    expect(current(editor).map((q) => q.questionId)).toEqual(['q2', 'q1']);
  });

  it('adds a sub-question and marks it until it has a label', async () => {
    const editor = mountEditor(scale());
    const add = editor.findAll('button').find((button) => button.attributes('aria-label') === 'Ajouter une sous-question à Exercice 2')!;
    await add.trigger('click');
    const child = current(editor)[1]!.children[0]!;
    expect(child.label).toBe('');
    expect(editor.find(`#scale-error-${child.questionId}`).text()).toBe('Saisissez l’intitulé.');
  });

  it('removes a question', async () => {
    const editor = mountEditor(scale());
    await editor.find('[aria-label="Supprimer Exercice 2"]').trigger('click');
    expect(current(editor).map((q) => q.questionId)).toEqual(['q1']);
    expect(editor.find('[data-testid="scale-total"]').text()).toContain('6 pts');
  });
});

function mountEditor(initial: Scale, options: { attachTo?: HTMLElement } = {}) {
  const wrapper = mount(GradingScaleEditor, {
    ...withI18n,
    ...options,
    props: {
      modelValue: initial,
      'onUpdate:modelValue': (next: Scale) => wrapper.setProps({ modelValue: next }),
    },
  });
  return wrapper;
}

function current(wrapper: ReturnType<typeof mountEditor>): Scale {
  return wrapper.props('modelValue') as Scale;
}

function leaf(questionId: string, label: string, maxPoints: number): EditableQuestion {
  return { questionId, label, maxPoints, step: 0.5, children: [] };
}

function scale(): Scale {
  return [
    { questionId: 'q1', label: 'Exercice 1', maxPoints: null, step: 0.5, children: [leaf('q1a', '1a', 2), leaf('q1b', '1b', 4)] },
    leaf('q2', 'Exercice 2', 4),
  ];
}
