#!/usr/bin/env python3
"""The files of a release: .changes/next-release turned into CHANGELOG.md's section and the version bump.

  python3 release/changes.py plan [--version X.Y.Z]   prints what the next release is, as KEY=value lines
  python3 release/changes.py apply X.Y.Z              writes that release into the files

Run from the repository root (release/release.sh does, and calls apply only after plan said yes). A repository
that cannot be released is one line on stderr and exit code 1; a wrong call, exit code 2.

The version: the highest type among the change entries (major, minor, patch) bumps pom.xml's version, as
semversioner does (0.1.0 with a major entry gives 1.0.0); --version asks for a higher one explicitly, never for less
than the entries need. The CHANGELOG: the Unreleased section, as the maintainers left it, headings included (every
entry's "- type: description" line is in it, or is added under its group, below), becomes the section of the
release, and an empty Unreleased section stays above it for the next changes. The entries: moved into
.changes/X.Y.Z.json, the semversioner record of what each release holds. The version: pom.xml's, pipe.yml's image
tag, and every place the documentation (README.md, docs/, examples/) names the pipe at a version: X.Y.Z, and the
moving X.Y and X.

An entry is {"type": "major|minor|patch", "description": "…", "group": "…"}: the description is the one line a user
scans (what changed for them; the detail lives in docs/), and the optional group is the "### " heading of the
release notes it goes under, one of GROUPS (below), which is also their order; docs/development.md says which group
takes what ("Breaking changes": whatever stops a pipeline that worked on the last release, whatever its type). An
entry line missing from Unreleased is added at the end of its group's heading (the heading made, in GROUPS order,
if Unreleased has none); one without a group at the end of the section, under "### Other" once the section has
headings.
"""
import glob
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

NEXT = '.changes/next-release'
TYPES = ('major', 'minor', 'patch')
VERSION = re.compile(r'^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$')
POM_NS = {'m': 'http://maven.apache.org/POM/4.0.0'}
# Files whose versions are history, not the current one.
HISTORY = ('CHANGELOG.md', '.changes/', 'bench/results/')
# The headings of a release's section, in their order; an entry's optional "group" names one.
GROUPS = ('Breaking changes', 'Building', 'Pushing and tags', 'Repositories', 'Credentials', 'Reliability', 'Output',
          'Release and documentation')
# The heading of entry lines that name no group, in a section that has headings.
OTHER = 'Other'


class Refusal(Exception):
    """The repository cannot be released as it is; the message says why, in one line."""


def parse_version(text):
    m = VERSION.match(text or '')
    return tuple(int(p) for p in m.groups()) if m else None


def show(version):
    return '.'.join(str(p) for p in version)


def pom_version():
    root = ET.parse('pom.xml').getroot()
    artifact, version = root.find('m:artifactId', POM_NS), root.find('m:version', POM_NS)
    if artifact is None or version is None:
        raise Refusal("pom.xml has no project <artifactId> and <version>")
    return artifact.text.strip(), version.text.strip()


def pipe_yml():
    """pipe.yml's image (name, tag) and the pipe's repository path (owner/name, from repository:)."""
    text = open('pipe.yml', encoding='utf-8').read()
    image = re.search(r'(?m)^image:[ \t]*["\']?([^"\'\s]+)', text)
    if not image or ':' not in image.group(1).rsplit('/', 1)[-1]:
        raise Refusal("pipe.yml has no 'image: name:version' line")
    name, tag = image.group(1).rsplit(':', 1)
    repository = re.search(r'(?m)^repository:[ \t]*["\']?([^"\'\s]+)', text)
    path = '/'.join(repository.group(1).rstrip('/').split('/')[-2:]) if repository else name
    return name, tag, path


def entries():
    """The change entries, in the order of their file names: [(file, type, description, group or None)]."""
    found = []
    for file in sorted(glob.glob(os.path.join(NEXT, '*.json'))):
        try:
            entry = json.load(open(file, encoding='utf-8'))
        except (OSError, ValueError) as e:
            raise Refusal("%s is not a JSON change entry (%s)" % (file, e))
        kind = entry.get('type') if isinstance(entry, dict) else None
        description = entry.get('description') if isinstance(entry, dict) else None
        if kind not in TYPES or not isinstance(description, str) or not description.strip():
            raise Refusal('%s is not {"type": "major|minor|patch", "description": "…"}' % file)
        group = entry.get('group')
        if group is not None and group not in GROUPS:
            raise Refusal('%s has "group": %s, not one of %s' % (file, json.dumps(group), ', '.join(GROUPS)))
        found.append((file, kind, description, group))
    if not found:
        raise Refusal("nothing to release: %s holds no change entry (*.json); add one for each user-visible change"
                      % NEXT)
    return found


def bumped(current, kind):
    major, minor, patch = current
    return {'major': (major + 1, 0, 0), 'minor': (major, minor + 1, 0), 'patch': (major, minor, patch + 1)}[kind]


def plan(asked=None):
    artifact, pom = pom_version()
    current = parse_version(pom)
    if current is None:
        raise Refusal("pom.xml's version %s is not X.Y.Z" % pom)
    image, tag, pipe = pipe_yml()
    if tag != pom:
        raise Refusal("pipe.yml's image tag %s is not pom.xml's version %s: put them in step first" % (tag, pom))
    changes = entries()
    kind = min((k for _, k, _, _ in changes), key=TYPES.index)
    needed = bumped(current, kind)
    if asked is None:
        version = needed
    else:
        version = parse_version(asked)
        if version is None:
            raise Refusal("--version %s is not X.Y.Z" % asked)
        if version < needed:
            raise Refusal("--version %s is lower than %s, which the %s entries in %s ask for"
                          % (asked, show(needed), kind, NEXT))
    return {'current': pom, 'bump': kind, 'next': show(version), 'entries': len(changes), 'image': image,
            'pipe': pipe, 'artifact': artifact}


def line(kind, description):
    return '- %s: %s' % (kind, description)


def placed(body, missing):
    """The Unreleased body with the missing [(line, group)] added: each under its group's "### " heading (made, in
    GROUPS order, when the body has none), an ungrouped one at the end (under "### Other" once there are headings)."""
    blocks = [[None, []]]  # [heading, lines]; the first holds what comes before any heading
    for text in body.split('\n') if body else []:
        if text.startswith('### '):
            blocks.append([text[4:].strip(), [text]])
        else:
            blocks[-1][1].append(text)
    headed = len(blocks) > 1 or any(group for _, group in missing)
    order = GROUPS + (OTHER,)
    for text, group in missing:
        heading = group or (OTHER if headed else None)
        block = next((b for b in blocks if b[0] == heading), None) if heading else blocks[0]
        if block is None:
            block = [heading, ['### ' + heading]]
            later = [i for i, b in enumerate(blocks) if b[0] in order and order.index(b[0]) > order.index(heading)]
            blocks.insert(later[0] if later else len(blocks), block)
        while block[1] and not block[1][-1].strip():
            block[1].pop()
        block[1].extend([''] if block[1] and block[1][-1].startswith('### ') else [])
        block[1].append(text)
    texts = ['\n'.join(b[1]).strip('\n') for b in blocks]
    return '\n\n'.join(t for t in texts if t)


def changelog_section(changes, version):
    """Turns the Unreleased section into the release's; returns CHANGELOG.md's new text."""
    log = open('CHANGELOG.md', encoding='utf-8').read()
    lines = [(line(kind, description), group) for _, kind, description, group in changes]
    start = log.find('\n## Unreleased\n')
    if start < 0:
        # no Unreleased section: the release's section goes first, made from the entries
        first = log.find('\n## ')
        first = len(log) if first < 0 else first
        return log[:first].rstrip('\n') + '\n\n## Unreleased\n\n## %s\n\n%s\n' % (version, placed('', lines)) \
            + log[first:]
    body_start = start + len('\n## Unreleased\n')
    end = log.find('\n## ', body_start - 1)
    end = len(log) if end < 0 else end
    body = log[body_start:end].strip('\n')
    present = set(body.split('\n'))
    body = placed(body, [(text, group) for text, group in lines if text not in present])
    return log[:start] + '\n## Unreleased\n\n## %s\n\n%s\n' % (version, body) + log[end:]


def documentation_files():
    listed = subprocess.run(['git', 'ls-files', '-z', '--', '*.md', '*.yml', '*.yaml'], check=True,
                            capture_output=True).stdout.decode('utf-8').split('\0')
    return [f for f in listed if f and f != 'pipe.yml' and not f.startswith(HISTORY) and os.path.isfile(f)]


def bump_text(text, names, artifact, old, new):
    """The pipe named at X.Y.Z, X.Y or X (org/ecr-push-pipe:0.1) and the artifact's X.Y.Z (ecr-push-pipe-0.1.0-runner)."""
    o, n = parse_version(old), parse_version(new)
    moves = {show(o): show(n), '%d.%d' % o[:2]: '%d.%d' % n[:2], str(o[0]): str(n[0])}
    alternatives = '|'.join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    # a version ends where no digit, nor a dot and a digit, follows (a sentence's full stop may)
    text = re.sub(r'(?<![\w/.-])(%s):(\d+(?:\.\d+){0,2})(?!\.?\d)' % alternatives,
                  lambda m: '%s:%s' % (m.group(1), moves.get(m.group(2), m.group(2))), text)
    return re.sub(r'(?<![\w.-])%s-%s(?!\.?\d)' % (re.escape(artifact), re.escape(old)),
                  '%s-%s' % (artifact, new), text)


def apply(version):
    released = plan(version)
    if released['next'] != version:
        raise Refusal("internal: planned %s, asked to write %s" % (released['next'], version))
    old, changes = released['current'], entries()
    changed = []

    def write(path, text):
        if open(path, encoding='utf-8').read() != text:
            with open(path, 'w', encoding='utf-8') as out:
                out.write(text)
            changed.append(path)

    write('CHANGELOG.md', changelog_section(changes, version))
    record = '.changes/%s.json' % version
    with open(record, 'w', encoding='utf-8') as out:
        json.dump([dict({'type': k, 'description': d}, **({'group': g} if g else {})) for _, k, d, g in changes], out,
                  indent=2, ensure_ascii=False)
        out.write('\n')
    changed.append(record)
    for file, _, _, _ in changes:
        os.remove(file)
        changed.append(file)
    if not os.listdir(NEXT):
        os.rmdir(NEXT)

    pom = open('pom.xml', encoding='utf-8').read()
    artifact = released['artifact']
    new_pom, count = re.subn(r'(<artifactId>%s</artifactId>\s*<version>)%s(</version>)'
                             % (re.escape(artifact), re.escape(old)), r'\g<1>%s\g<2>' % version, pom, count=1)
    if count != 1:
        raise Refusal("pom.xml's project <version> does not follow its <artifactId>: bump it by hand")
    write('pom.xml', new_pom)
    pipe = open('pipe.yml', encoding='utf-8').read()
    write('pipe.yml', re.sub(r'(?m)^(image:[ \t]*["\']?%s):%s' % (re.escape(released['image']), re.escape(old)),
                             r'\g<1>:%s' % version, pipe, count=1))
    names = {released['image'], released['pipe']}
    for file in documentation_files():
        write(file, bump_text(open(file, encoding='utf-8').read(), names, artifact, old, version))
    for path in changed:
        print('changed=%s' % path)


def main(argv):
    try:
        if len(argv) >= 1 and argv[0] == 'plan' and (len(argv) == 1 or (len(argv) == 3 and argv[1] == '--version')):
            for key, value in plan(argv[2] if len(argv) == 3 else None).items():
                print('%s=%s' % (key, value))
        elif len(argv) == 2 and argv[0] == 'apply':
            apply(argv[1])
        else:
            print('usage: python3 release/changes.py plan [--version X.Y.Z] | apply X.Y.Z', file=sys.stderr)
            return 2
    except Refusal as refusal:
        print(str(refusal), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
