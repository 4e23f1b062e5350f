import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../src/schedule/random.js';

/**
 * Writes workloads/arena-sample.jsonl: conversations in the LMSYS Chatbot Arena schema whose every message
 * is composed here from the word lists below (no text of the real dataset), deterministic under SEED.
 * Prompt lengths follow the shape of real chat prompts: most are a short question or request, some carry
 * a pasted text or code, a few are long. Run: `npm run build && node dist/scripts/arena-sample.js`.
 */

const SEED = 20240424;
export const CONVERSATIONS = 600;

type Rand = () => number;

const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)];
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

const TOPICS = ['black holes', 'sourdough bread', 'the Roman Empire', 'photosynthesis', 'compound interest', 'jazz improvisation', 'plate tectonics', 'quantum entanglement', 'the French Revolution', 'machine learning', 'coral reefs', 'the stock market', 'climate change', 'the immune system', 'chess openings', 'medieval castles', 'electric cars', 'the water cycle', 'public key cryptography', 'urban gardening', 'the Silk Road', 'volcanoes', 'sleep cycles', 'impressionist painting', 'supply and demand', 'the human heart', 'honeybees', 'solar panels', 'the printing press', 'marathon training', 'glaciers', 'vaccines', 'the Olympic games', 'origami', 'DNA replication', 'inflation', 'the moon landing', 'rainforests', 'blockchains', 'tea ceremonies', 'the periodic table', 'migratory birds', 'noise-cancelling headphones', 'the Renaissance', 'composting', 'GPS satellites', 'octopuses', 'the Great Wall', 'wind turbines', 'meditation'];
const PAIRS: readonly [string, string][] = [['a virus', 'a bacterium'], ['weather', 'climate'], ['TCP', 'UDP'], ['a list', 'a tuple in Python'], ['affect', 'effect'], ['a crocodile', 'an alligator'], ['RAM', 'storage'], ['stocks', 'bonds'], ['a comet', 'an asteroid'], ['baking soda', 'baking powder'], ['a latte', 'a cappuccino'], ['HTTP', 'HTTPS'], ['a frog', 'a toad'], ['speed', 'velocity'], ['socialism', 'communism'], ['a hurricane', 'a typhoon'], ['git merge', 'git rebase'], ['SQL', 'NoSQL databases'], ['a lake', 'a pond'], ['empathy', 'sympathy'], ['a CPU', 'a GPU'], ['mitosis', 'meiosis'], ['an LLC', 'a corporation'], ['fission', 'fusion'], ['a simile', 'a metaphor']];
const LANGS = ['Python', 'JavaScript', 'TypeScript', 'Rust', 'Go', 'C++', 'Java', 'SQL', 'Bash', 'C#', 'Kotlin', 'Haskell'];
const CODE_TASKS = ['reverses a linked list', 'checks whether a string is a palindrome', 'merges two sorted arrays', 'counts the words in a file', 'finds the nth Fibonacci number', 'parses a CSV line with quoted fields', 'removes duplicates from a list while keeping order', 'computes the median of a stream of numbers', 'validates an email address', 'flattens a nested list', 'converts Roman numerals to integers', 'finds the longest common prefix of some strings', 'rotates a matrix by 90 degrees', 'implements binary search', 'returns the prime numbers below n', 'debounces a function call', 'groups anagrams together', 'sums the digits of a number', 'checks if brackets are balanced', 'formats a number of bytes as KB, MB or GB'];
const FORMS = ['poem', 'haiku', 'short story', 'limerick', 'song verse', 'product description', 'cover letter', 'tweet', 'speech', 'dialogue', 'fairy tale', 'news headline', 'riddle', 'sonnet', 'slogan'];
const STYLES = ['in the style of a pirate', 'for a five-year-old', 'in exactly three sentences', 'with a twist ending', 'without using the letter e', 'as a Shakespearean character', 'in a formal tone', 'that rhymes', 'from the point of view of a cat', 'in under 50 words', 'with a sad mood', 'for a job interview'];
const ANIMALS = ['penguins', 'giraffes', 'cats', 'owls', 'sloths', 'dolphins', 'raccoons', 'elephants', 'goldfish', 'kangaroos', 'hedgehogs', 'crows'];
const LANGUAGES = ['French', 'Spanish', 'German', 'Japanese', 'Portuguese', 'Italian', 'Korean', 'Dutch', 'Turkish', 'Polish'];
const CITIES = ['Lisbon', 'Nairobi', 'Osaka', 'Montreal', 'Krakow', 'Lima', 'Hanoi', 'Reykjavik', 'Marrakesh', 'Auckland', 'Tbilisi', 'Valparaiso'];
const ROLES = ['a travel agent', 'a personal trainer', 'a Linux terminal', 'a job interviewer', 'a chef', 'a history teacher', 'a career coach', 'a tour guide in Rome', 'a dungeon master', 'a customer support agent', 'a movie critic', 'a nutritionist'];
const GREETINGS = ['hi', 'hello', 'hey there', 'good morning', 'yo', 'hi, who are you?', 'hello, how are you today?', 'what can you do?', 'are you an AI?', 'test', 'what is your name?', 'hey, can you help me?'];
const ASIDES = ['for a school project', 'in two paragraphs', 'and give an example', 'like I am a professor', 'briefly', 'with a table', 'and cite a source', 'for my grandmother', 'as a list of bullet points', 'using an analogy', 'in plain English', 'and keep it under 100 words', 'step by step', 'with some history'];
const FOLLOW_UPS = ['Can you make it shorter?', 'Explain that like I am five.', 'Why?', 'Give me three more examples.', 'Are you sure?', 'Can you say more about the second point?', 'Make it funnier.', 'Now write it as a bulleted list.', 'What are the sources for this?', 'That is wrong, try again.', 'Thanks! One more question.', 'Can you add comments to the code?', 'Rewrite it in a more formal tone.', 'What would be a counterargument?', 'Summarize your answer in one sentence.'];

const ADJ = ['quiet', 'ancient', 'busy', 'narrow', 'bright', 'forgotten', 'modern', 'small', 'crowded', 'remote', 'famous', 'local', 'northern', 'wooden', 'careful', 'young'];
const NOUNS = ['committee', 'harbour', 'library', 'market', 'village', 'factory', 'council', 'museum', 'orchestra', 'school', 'railway', 'garden', 'startup', 'hospital', 'newspaper', 'bakery'];
const VERBS = ['announced', 'rejected', 'reviewed', 'postponed', 'celebrated', 'questioned', 'approved', 'described', 'expanded', 'measured', 'restored', 'published'];
const OBJECTS = ['a new schedule for the winter months', 'the plan to widen the main road', 'its yearly budget', 'a study of local water quality', 'the results of the spring survey', 'an exhibition of old maps', 'a proposal to share equipment', 'the rules for visitors', 'a report on energy use', 'the opening hours', 'a list of volunteers', 'the cost of repairs'];
const WHEN = ['last week', 'on Monday', 'after a long debate', 'earlier this year', 'without much notice', 'during the storm', 'before the holidays', 'at a public meeting', 'for the third time', 'in a short statement'];

function sentence(r: Rand): string {
  return `The ${pick(r, ADJ)} ${pick(r, NOUNS)} ${pick(r, VERBS)} ${pick(r, OBJECTS)} ${pick(r, WHEN)}.`;
}

function paragraph(r: Rand, sentences: number): string {
  return Array.from({ length: sentences }, () => sentence(r)).join(' ');
}

/** A pasted text of a heavy-tailed length: usually a paragraph, now and then pages. */
function pasted(r: Rand): string {
  const paragraphs = Math.min(40, Math.max(1, Math.round(Math.exp(r() * r() * 3.7))));
  return Array.from({ length: paragraphs }, () => paragraph(r, int(r, 3, 7))).join('\n\n');
}

function codeBlock(r: Rand, lang: string): string {
  const lines = Math.round(Math.exp(1 + r() * r() * 4));
  const body = Array.from({ length: lines }, (_, i) => `  let v${i} = step(v${Math.max(0, i - 1)}, ${int(r, 0, 999)}); // ${pick(r, VERBS)} ${pick(r, NOUNS)}`);
  return `\`\`\`${lang.toLowerCase()}\nfunction process(input) {\n${body.join('\n')}\n  return v${lines - 1};\n}\n\`\`\``;
}

/** One opening prompt; the kinds are weighted like a chat arena's: many short, a long tail of pasted work. */
function opening(r: Rand): { text: string; topic: string } {
  const topic = pick(r, TOPICS);
  const kind = r();
  if (kind < 0.1) return { text: pick(r, GREETINGS), topic };
  if (kind < 0.25) return { text: `${pick(r, [`What is ${topic}?`, `Explain ${topic}`, `Tell me an interesting fact about ${topic},`, `Why does ${topic} matter?`, `Who first studied ${topic}?`, `How would you teach ${topic}`])} ${pick(r, ASIDES)}`, topic };
  if (kind < 0.35) {
    const [a, b] = pick(r, PAIRS);
    return { text: `${pick(r, ['What is the difference between', 'Compare', 'Which is older,', 'How do I tell apart'])} ${a} and ${b}${pick(r, ['?', ' ' + pick(r, ASIDES) + '?', ', in one sentence?'])}`, topic: `${a} and ${b}` };
  }
  if (kind < 0.47) return { text: `Write a ${pick(r, FORMS)} about ${pick(r, [topic, pick(r, ANIMALS), pick(r, CITIES)])} ${pick(r, STYLES)}.`, topic };
  if (kind < 0.58) return { text: `Write a ${pick(r, LANGS)} function that ${pick(r, CODE_TASKS)}.`, topic: 'code' };
  if (kind < 0.64) {
    const n = int(r, 3, 40);
    const m = int(r, 1, n - 1);
    return { text: `If I have ${n} ${pick(r, ['apples', 'marbles', 'books', 'coins'])} and give ${m} to my ${pick(r, ['sister', 'friend', 'neighbour'])}, then buy ${int(r, 2, 9)} more, how many do I have? Think step by step.`, topic: 'arithmetic' };
  }
  if (kind < 0.7) return { text: `Translate into ${pick(r, LANGUAGES)}: "${sentence(r)}"`, topic: 'translation' };
  if (kind < 0.76) return { text: `Plan a ${int(r, 2, 10)}-day trip to ${pick(r, CITIES)} for ${pick(r, ['a family with two kids', 'a student on a budget', 'a couple who love food', 'someone who hates crowds'])}.`, topic: 'travel' };
  if (kind < 0.81) return { text: `You are ${pick(r, ROLES)}. Stay in character and keep answers short. ${pick(r, ['Start by asking me a question.', 'My first request is about ' + topic + '.', 'Greet me and wait for my answer.'])}`, topic };
  if (kind < 0.9) return { text: `${pick(r, ['Summarize the following text:', 'Give this text a title:', 'List the main points of this text:', 'Fix the grammar in this text:', 'What is the tone of this text?'])}\n\n${pasted(r)}`, topic: 'the text' };
  if (kind < 0.96) {
    const lang = pick(r, LANGS);
    return { text: `${pick(r, ['Why does this code not work?', 'Explain what this code does.', 'Can you make this faster?', 'Convert this to ' + pick(r, LANGS) + ':'])}\n\n${codeBlock(r, lang)}`, topic: 'code' };
  }
  return { text: `${pick(r, ['I need a detailed essay', 'Write a long report', 'Draft a complete guide'])} about ${topic}, with an introduction, ${int(r, 3, 9)} sections and a conclusion. Use the notes below.\n\n${pasted(r)}\n\n${pasted(r)}`, topic };
}

function followUp(r: Rand, topic: string): string {
  const kind = r();
  if (kind < 0.12) return pick(r, FOLLOW_UPS);
  if (kind < 0.5) return `What about ${pick(r, TOPICS)}? How does it compare to ${topic}?`;
  if (kind < 0.65) return `Now ${pick(r, ['translate what you said about', 'explain again', 'give me the key words of'])} ${topic} in ${pick(r, LANGUAGES)}${pick(r, ['.', ', please.', ' and explain the grammar.'])}`;
  if (kind < 0.75) return `${pick(r, FOLLOW_UPS)} ${pick(r, ['Also,', 'And', 'Then'])} ${pick(r, ASIDES.map((a) => `answer ${a}`))}.`;
  return `Good. ${pick(r, ['Add an example from', 'Relate it to', 'Contrast it with'])} ${pick(r, [pick(r, CITIES), pick(r, TOPICS), pick(r, ANIMALS)])}, in ${int(r, 2, 6)} sentences.`;
}

function answer(r: Rand, topic: string): string {
  return `${pick(r, ['Sure!', 'Certainly.', 'Good question.', 'Here you go:', 'Of course.'])} ${pick(r, ['In short,', 'Put simply,', 'Broadly speaking,'])} ${topic} ${pick(r, ['comes down to a few ideas', 'has a long history', 'is easier than it looks', 'depends on the details'])}. ${sentence(r)}`;
}

/** Turns per conversation: most arena conversations are one exchange; a sample this small needs more to reach its prompt count. */
function turns(r: Rand): number {
  const u = r();
  return u < 0.45 ? 1 : u < 0.65 ? 2 : u < 0.8 ? 3 : u < 0.9 ? 4 : int(r, 5, 8);
}

const MODELS = ['model-alpha-7b', 'model-bravo-13b', 'model-charlie-70b', 'model-delta-chat', 'model-echo-instruct', 'model-foxtrot-mini'];

function conversation(r: Rand, i: number): Record<string, unknown> {
  const first = opening(r);
  const messages: { role: string; content: string }[] = [];
  const n = turns(r);
  for (let t = 0; t < n; t++) {
    messages.push({ role: 'user', content: t === 0 ? first.text : followUp(r, first.topic) });
    messages.push({ role: 'assistant', content: answer(r, first.topic) });
  }
  const hex = Array.from({ length: 32 }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
  const a = pick(r, MODELS);
  return {
    question_id: hex, model_a: a, model_b: pick(r, MODELS.filter((m) => m !== a)), winner: pick(r, ['model_a', 'model_b', 'tie', 'tie (bothbad)']), judge: `arena_user_${int(r, 1, 9999)}`,
    conversation_a: messages, turn: n, anony: true, language: 'English', tstamp: 1682351591 + i * 797 + int(r, 0, 600) + Number(r().toFixed(4)),
  };
}

/** The sample's lines, the same on every machine. */
export function arenaSampleLines(): string[] {
  const r = seededRandom(SEED);
  return Array.from({ length: CONVERSATIONS }, (_, i) => JSON.stringify(conversation(r, i)));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? join(fileURLToPath(new URL('../..', import.meta.url)), 'workloads', 'arena-sample.jsonl');
  writeFileSync(out, `${arenaSampleLines().join('\n')}\n`);
  process.stderr.write(`wrote ${out}\n`);
}
