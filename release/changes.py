#!/usr/bin/env python3
"""The files of a release: .changes/next-release turned into CHANGELOG.md's section and the version bump.

  python3 release/changes.py plan [--version X.Y.Z]   prints what the next release is, as KEY=value lines
  python3 release/changes.py apply X.Y.Z              writes that release into the files

Run from the repository root (release/release.sh does, and calls apply only after plan said yes). A repository
that cannot be released is one line on stderr and exit code 1; a wrong call, exit code 2.

The version: the highest type among the change entries (major, minor, patch) bumps pom.xml's version, as
semversioner does (0.1.0 with a major entry gives 1.0.0); --version asks for a higher one explicitly, never for less
than the entries need. The CHANGELOG: the Unreleased section, as the maintainers left it (every entry's
"- type: description" line is in it, or is added at its end), becomes the section of the release, and an empty
Unreleased section stays above it for the next changes. The entries: moved into .changes/X.Y.Z.json, the
semversioner record of what each release holds. The version: pom.xml's, pipe.yml's image tag, and every place the
documentation (README.md, docs/, examples/) names the pipe at a version: X.Y.Z, and the moving X.Y and X.
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
    """The change entries, in the order of their file names: [(file, type, description)]."""
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
        found.append((file, kind, description))
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
    kind = min((k for _, k, _ in changes), key=TYPES.index)
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


def changelog_section(changes, version):
    """Turns the Unreleased section into the release's; returns CHANGELOG.md's new text."""
    log = open('CHANGELOG.md', encoding='utf-8').read()
    lines = ['- %s: %s' % (kind, description) for _, kind, description in changes]
    start = log.find('\n## Unreleased\n')
    if start < 0:
        # no Unreleased section: the release's section goes first, made from the entries
        first = log.find('\n## ')
        first = len(log) if first < 0 else first
        return log[:first].rstrip('\n') + '\n\n## Unreleased\n\n## %s\n\n%s\n' % (version, '\n'.join(lines)) \
            + log[first:]
    body_start = start + len('\n## Unreleased\n')
    end = log.find('\n## ', body_start - 1)
    end = len(log) if end < 0 else end
    body = log[body_start:end].strip('\n')
    present = set(body.split('\n'))
    missing = [line for line in lines if line not in present]
    body = '\n'.join([body] + missing if body else missing)
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
        json.dump([{'type': k, 'description': d} for _, k, d in changes], out, indent=2, ensure_ascii=False)
        out.write('\n')
    changed.append(record)
    for file, _, _ in changes:
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
