//! Protocol-generic pagination: repeat an operation, feeding each response's next token into
//! the following request, as a [`Stream`] of pages or of items.
//!
//! Generated paginators call [`paginate`] or [`paginate_items`] with two plain functions that
//! read the output token and set the input token. The stream ends after the first page whose
//! token is absent, empty, or equal to the token just sent (a service that echoes the token
//! would otherwise loop forever), and after the first error (which is yielded).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::{self, Stream, StreamExt};

use crate::client::Handle;
use crate::error::SdkError;
use crate::operation::Operation;

/// A boxed, `Unpin` stream of pages or items, with an inherent [`next`](Self::next) so callers
/// need no stream extension trait.
pub struct PaginationStream<T> {
    inner: Pin<Box<dyn Stream<Item = T> + Send>>,
}

impl<T> PaginationStream<T> {
    /// Wraps any stream.
    pub fn new(stream: impl Stream<Item = T> + Send + 'static) -> Self {
        Self {
            inner: Box::pin(stream),
        }
    }

    /// The next page or item; `None` when the pagination is over.
    pub async fn next(&mut self) -> Option<T> {
        self.inner.next().await
    }
}

impl<T, E> PaginationStream<Result<T, E>> {
    /// Reads the whole stream, stopping at the first error.
    pub async fn try_collect(mut self) -> Result<Vec<T>, E> {
        let mut all = Vec::new();
        while let Some(item) = self.next().await {
            all.push(item?);
        }
        Ok(all)
    }
}

impl<T> Stream for PaginationStream<T> {
    type Item = T;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.inner.as_mut().poll_next(cx)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<T> fmt::Debug for PaginationStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaginationStream").finish_non_exhaustive()
    }
}

/// Reads the next token of a page (`NextToken`, `Marker`...).
pub type NextTokenFn<O> = for<'a> fn(&'a <O as Operation>::Output) -> Option<&'a str>;
/// Sets the token of the next request.
pub type SetTokenFn<O> = fn(&mut <O as Operation>::Input, Option<String>);

struct State<O: Operation> {
    handle: Handle,
    input: O::Input,
    sent_token: Option<String>,
}

/// Pages of operation `O`, starting from `input`.
///
/// Each page is requested only when the stream is polled. See the module docs for when the
/// stream ends.
pub fn paginate<O>(
    handle: Handle,
    input: O::Input,
    next_token: NextTokenFn<O>,
    set_token: SetTokenFn<O>,
) -> PaginationStream<Result<O::Output, SdkError<O::Error>>>
where
    O: Operation,
    O::Input: Clone,
{
    let start: Option<State<O>> = Some(State {
        handle,
        input,
        sent_token: None,
    });
    PaginationStream::new(stream::unfold(start, move |state| async move {
        let mut state = state?;
        match state.handle.send::<O>(state.input.clone()).await {
            Ok(page) => {
                let next = next_token(&page)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned);
                let following = match next {
                    Some(token) if state.sent_token.as_deref() != Some(token.as_str()) => {
                        set_token(&mut state.input, Some(token.clone()));
                        state.sent_token = Some(token);
                        Some(state)
                    }
                    _ => None,
                };
                Some((Ok(page), following))
            }
            Err(err) => Some((Err(err), None)),
        }
    }))
}

/// Items of operation `O`'s pages, flattened with `items` (e.g. the page's `Clusters` list).
pub fn paginate_items<O, T>(
    handle: Handle,
    input: O::Input,
    next_token: NextTokenFn<O>,
    set_token: SetTokenFn<O>,
    items: fn(O::Output) -> Vec<T>,
) -> PaginationStream<Result<T, SdkError<O::Error>>>
where
    O: Operation,
    O::Input: Clone,
    T: Send + 'static,
{
    let pages = paginate::<O>(handle, input, next_token, set_token);
    PaginationStream::new(pages.flat_map(move |page| {
        let batch: Vec<Result<T, SdkError<O::Error>>> = match page {
            Ok(page) => items(page).into_iter().map(Ok).collect(),
            Err(err) => vec![Err(err)],
        };
        stream::iter(batch)
    }))
}
