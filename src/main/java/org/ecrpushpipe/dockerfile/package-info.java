/** What the pipe reads of a Dockerfile before the engine builds it: its stages. */
package org.ecrpushpipe.dockerfile;
