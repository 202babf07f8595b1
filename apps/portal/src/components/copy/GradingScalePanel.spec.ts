import { enableAutoUnmount, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import { scorePoints, type GradingQuestion } from './copy-domain.js';
import { on20, readScore } from './grading-entry.js';
import GradingScalePanel from './GradingScalePanel.vue';

enableAutoUnmount(afterEach);

describe('reading a typed score', () => {
  it.each([
    ['1,5', 0.5, 4, 1.5, 'exact'],
    ['1.24', 0.5, 4, 1, 'rounded'],
    ['1,25', 0.5, 4, 1.5, 'rounded'],
    [',75', 0.25, 2, 0.75, 'exact'],
    ['0,35', 0.25, 2, 0.25, 'rounded'],
    ['0,375', 0.25, 2, 0.5, 'rounded'],
    ['7', 1, 5, 5, 'clampedMax'],
    ['4,6', 0.5, 4.5, 4.5, 'clampedMax'],
    ['-2', 0.5, 4, 0, 'clampedMin'],
    [' 3 ', 1, 5, 3, 'exact'],
    ['4.4', 2, 5, 4, 'rounded'],
    ['4.5', 2, 5, 5, 'rounded'],
  ] as const)('reads %s (step %s, max %s) as %s, %s', (text, step, maxPoints, points, reason) => {
    expect(readScore(text, { questionId: 'q', step, maxPoints })).toEqual({ kind: 'score', typed: expect.any(Number), points, reason });
  });

  it('refuses what is not a number and leaves an empty box unscored', () => {
    const question = { questionId: 'q', step: 0.5, maxPoints: 4 };
    expect(readScore('deux', question)).toEqual({ kind: 'invalid', text: 'deux' });
    expect(readScore('1,2,3', question)).toEqual({ kind: 'invalid', text: '1,2,3' });
    expect(readScore('  ', question)).toEqual({ kind: 'empty' });
  });

  it('rounds exactly as the server does, on every hundredth from -1 to 12', () => {
    for (const step of [0.25, 0.5, 1]) {
      for (let hundredths = -100; hundredths <= 1200; hundredths++) {
        const question = { questionId: 'q', step, maxPoints: 10 };
        const entry = readScore((hundredths / 100).toString().replace('.', ','), question);
        expect(entry.kind === 'score' && entry.points).toBe(scorePoints(hundredths / 100, question));
      }
    }
  });

  it('brings a total to 20 half-up to two places', () => {
    expect(on20(13, 15)).toBe(17.33);
    expect(on20(1, 8)).toBe(2.5);
    expect(on20(0.0675, 2)).toBe(0.68); // 0.675 on 20 goes up
    expect(on20(0, 0)).toBe(0);
  });
});

describe('the grading panel', () => {
  it('takes scores from the keyboard: Enter and ↓ go on, ↑ goes back, commas and dots alike', async () => {
    const { panel, scores, events } = mountPanel();
    await typeIn(panel, 'q1a', '1,5', 'Enter');
    expect(focused()).toBe('q1b');
    await typeIn(panel, 'q1b', '2.25', 'ArrowDown');
    expect(focused()).toBe('q2');
    await panel.find('[data-score-input="q2"]').trigger('keydown', { key: 'ArrowUp' });
    expect(focused()).toBe('q1b');
    expect(scores.value).toEqual({ q1a: 1.5, q1b: 2.25 });
    expect(events).toEqual([
      ['score', 'q1a', 1.5],
      ['score', 'q1b', 2.25],
    ]);
    expect((panel.find('[data-score-input="q1a"]').element as HTMLInputElement).value).toBe('1,5');
  });

  it('shows the clamped or rounded value and why, and keeps a wrong entry without saving it', async () => {
    const { panel, scores } = mountPanel();
    await typeIn(panel, 'q1a', '9', 'Tab');
    expect(scores.value['q1a']).toBe(2);
    expect(panel.find('#note-q1a').text()).toBe('Ramené à 2 : le maximum est 2.');
    await typeIn(panel, 'q1b', '1,3', 'Enter');
    expect(scores.value['q1b']).toBe(1.25);
    expect(panel.find('#note-q1b').text()).toBe('Arrondi à 1,25 (pas de 0,25).');
    await typeIn(panel, 'q2', 'trois', 'Enter');
    expect(scores.value['q2']).toBeUndefined();
    expect(panel.find('#note-q2').text()).toBe('« trois » n’est pas un nombre.');
    expect(focused()).toBe('q2');
    expect((panel.find('[data-score-input="q2"]').element as HTMLInputElement).value).toBe('trois');
  });

  it('adds up each section, the total on the scale and on 20', async () => {
    const { panel } = mountPanel({ q1a: 1.5, q1b: 3 });
    expect(panel.find('[data-subtotal="ex1"]').text()).toBe('4,5 / 5');
    expect(panel.find('[data-total]').text()).toBe('4,5 / 10');
    expect(panel.find('[data-total-on20]').text()).toBe('Sur 20 : 9 / 20');
    await typeIn(panel, 'q2', '5', 'Enter');
    expect(panel.find('[data-total]').text()).toBe('9,5 / 10');
    expect(panel.find('[data-total-on20]').text()).toBe('Sur 20 : 19 / 20');
  });

  it('finalises only once every question is scored, after a confirmation', async () => {
    const { panel, events } = mountPanel({ q1a: 1, q1b: 1 });
    expect(panel.find('[data-check="scored"]').text()).toContain('(2 sur 3)');
    expect(panel.find('.finalize-button').attributes('disabled')).toBeDefined();
    await typeIn(panel, 'q2', '4', 'Enter');
    await panel.find('.finalize-button').trigger('click');
    expect(panel.find('.confirm-finalize').text()).toBe('Confirmer : 6 / 10 (12 / 20)');
    await panel.find('.confirm-finalize').trigger('click');
    expect(events.at(-1)).toEqual(['finalize']);
  });

  it('saves a remark and the appreciation when the field is left', async () => {
    const { panel, events } = mountPanel();
    await panel.find('[data-score-input="q2"]').element.closest('li')!.querySelector('button')!.click();
    await panel.vm.$nextTick();
    await panel.find('[data-remark="q2"]').setValue('Méthode juste, calcul faux.');
    await panel.find('[data-remark="q2"]').trigger('blur');
    await panel.find('.appreciation textarea').setValue('Travail sérieux.');
    await panel.find('.appreciation textarea').trigger('blur');
    expect(events).toEqual([
      ['remark', 'q2', 'Méthode juste, calcul faux.'],
      ['appreciation', 'Travail sérieux.'],
    ]);
  });

  it('saves nothing when read-only', async () => {
    const { panel, events } = mountPanel({}, true);
    await typeIn(panel, 'q1a', '1', 'Enter');
    await panel.find('.appreciation textarea').setValue('x');
    await panel.find('.appreciation textarea').trigger('blur');
    expect(events).toEqual([]);
    expect(panel.find('[data-check="lock"]').classes()).not.toContain('ok');
  });
});

// Fixtures -----------------------------------------------------------------------------------------

const SCALE: GradingQuestion[] = [
  {
    questionId: 'ex1',
    label: 'Exercice 1',
    maxPoints: 5,
    step: 0.25,
    children: [
      { questionId: 'q1a', label: '1.a', maxPoints: 2, step: 0.5 },
      { questionId: 'q1b', label: '1.b', maxPoints: 3, step: 0.25 },
    ],
  },
  { questionId: 'q2', label: 'Exercice 2', maxPoints: 5, step: 1 },
];

/** The panel in a host that applies its events like the workspace store. */
const mountPanel = (initial: Record<string, number> = {}, readOnly = false) => {
  const scores = ref<Record<string, number>>({ ...initial });
  const remarks = ref<Record<string, string>>({});
  const appreciation = ref('');
  const events: unknown[][] = [];
  const Host = defineComponent(
    () => () =>
      h(GradingScalePanel, {
        scale: SCALE,
        scores: scores.value,
        remarks: remarks.value,
        appreciation: appreciation.value,
        readOnly,
        onScore: (questionId: string, points: number) => {
          events.push(['score', questionId, points]);
          scores.value = { ...scores.value, [questionId]: points };
        },
        onRemark: (questionId: string, text: string) => {
          events.push(['remark', questionId, text]);
          remarks.value = { ...remarks.value, [questionId]: text };
        },
        onAppreciation: (text: string) => {
          events.push(['appreciation', text]);
          appreciation.value = text;
        },
        onFinalize: () => events.push(['finalize']),
      }),
  );
  return { panel: mount(Host, { attachTo: document.body }), scores, events };
};

const typeIn = async (panel: ReturnType<typeof mount>, questionId: string, text: string, key: string): Promise<void> => {
  const input = panel.find(`[data-score-input="${questionId}"]`);
  (input.element as HTMLInputElement).focus();
  await input.setValue(text);
  await input.trigger('keydown', { key });
};

const focused = (): string | undefined => (document.activeElement as HTMLElement | null)?.dataset['scoreInput'];
