import { splitPronoteName } from './pronote-name.js';

describe('splitting a Pronote name into last name and first name', () => {
  it.each([
    ['DUPONT Jean', 'DUPONT', 'Jean'],
    ['DUPONT-MARTIN Jean-Étienne', 'DUPONT-MARTIN', 'Jean-Étienne'],
    ['DE LA FONTAINE Marie', 'DE LA FONTAINE', 'Marie'],
    ["N'DIAYE Aïssatou", "N'DIAYE", 'Aïssatou'],
    ['LE GOFF Anne Sophie', 'LE GOFF', 'Anne Sophie'],
    ['ÉLUARD Éloïse', 'ÉLUARD', 'Éloïse'],
    ["d'ALEMBERT Jean", "d'ALEMBERT", 'Jean'],
    ['de LA FONTAINE Marie-Ève', 'de LA FONTAINE', 'Marie-Ève'],
    ['McDONALD Kylian', 'McDONALD', 'Kylian'],
    ['DUPONT - MARTIN  Léa', 'DUPONT-MARTIN', 'Léa'],
    ['NGUYEN VAN Minh Anh', 'NGUYEN VAN', 'Minh Anh'],
    ['DUPONT Jean MARIE', 'DUPONT', 'Jean MARIE'],
  ])('%s → %s / %s', (field, lastName, firstName) => {
    expect(splitPronoteName(field)).toEqual({ lastName, firstName });
  });

  it('reads a name written in decomposed Unicode (from a Mac) like the composed one', () => {
    expect(splitPronoteName('E\u0301LUARD E\u0301loi\u0308se')).toEqual({ lastName: 'ÉLUARD', firstName: 'Éloïse' });
  });

  it('refuses a name entirely in capitals: the first name cannot be told apart', () => {
    expect(splitPronoteName('MARTIN PAUL')).toEqual({ problem: expect.stringMatching(/cannot tell the first name/) });
  });

  it('refuses a name that does not start with a last name in capitals', () => {
    expect(splitPronoteName('Dupont Jean')).toEqual({ problem: expect.stringMatching(/no last name in capitals/) });
  });

  it('refuses an empty field', () => {
    expect(splitPronoteName('   ')).toEqual({ problem: 'the name is missing' });
  });
});
